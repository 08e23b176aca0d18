"""Names the web tier and the worker share for one capture: Redis keys and the channel group.

Division of labour: only names and their lifetimes live here, so that neither side imports the
other. The worker refreshes `alive_key` every second while the socket is open (expiring after
`ALIVE_SECONDS`), so the API can tell a capture whose worker died from one that runs; the API
sets `stop_key`, which the worker polls; progress and the end are sent to `group_name`.
"""

ALIVE_SECONDS = 5
STOP_SECONDS = 3600


def alive_key(capture_id: object) -> str:
    return f"webgns:capture:alive:{capture_id}"


def stop_key(capture_id: object) -> str:
    return f"webgns:capture:stop:{capture_id}"


def group_name(capture_id: object) -> str:
    return f"capture.{capture_id}"
