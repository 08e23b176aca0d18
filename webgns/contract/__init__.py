"""Rules that the API (`webgns.labs`), the engine (`webgns.compute`) and the editor share, stated once.

Plain Python: no Django, no engine. `labs/` and `compute/` both read these modules and neither imports
the other; the editor gets what it needs of them through the API (e.g. `GET /api/compute/`).
"""
