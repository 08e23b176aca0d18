"""webgns: network labs in the browser.

Deliberately empty: the engine (`webgns.compute`) must import without Celery or Django, so the
Celery app is loaded by the labs app's `ready()` instead.
"""
