"""How a node says that it has finished starting: a file of its own that webgns runs.

A node whose files (its template's or its own) include `READY_FILE`, an executable script, has
settled once that script exits 0 inside it. The engine asks before it freezes a warm-pool copy
(`LabEngine.wait_settled`): a node frozen while its own start-up work runs resumes with its
timers expired (the cgroup freezer stops the processes, not the clock), and software that kills
a start job gone on too long, as FRR's watchfrr does after 20 s, kills it then. A node without
the file has settled when its start command runs and its startup lines have run.

The FRR template ships one (seed_templates); a teacher's template may ship its own.
"""

READY_FILE = "/etc/webgns/ready"
