"""The engine: makes a lab real on a host (containers, kernel links, switches, qdiscs).

Plain Python with no Django imports, so it can be tested and reused alone. It is given desired
state as the frozen dataclasses of `specs` and answers with the states it observed; it never
reads the database. Celery tasks (`webgns.tasks`) are thin wrappers around `lab.LabEngine`.
"""
