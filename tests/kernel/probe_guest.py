"""Runs INSIDE a kernel-test guest as its backend's probe: proves that the guest boots, that the
project's Python runs there, and that it can write its result. Usage: probe_guest.py RESULT_JSON"""

import json
import platform
import sys

with open(sys.argv[1], "w") as result:
    json.dump({"kernel": platform.release()}, result)
