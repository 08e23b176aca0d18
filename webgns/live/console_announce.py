"""Tells other apps that a console opened: `labs.signals.console_opened`, once per accepted socket.

Division of labour: the consumers call `announce_console_opened` after a console is really open
(shell started, or watcher registered); receivers (classrooms' audit trail) decide what to record.
A receiver that fails is logged (by Django's `send_robust`), not propagated: a console works even
when the audit write fails.
"""

from channels.db import database_sync_to_async

from webgns.labs.models import Node, Project
from webgns.labs.signals import console_opened

# The signal's documented modes (webgns/labs/signals.py); the socket calls the first one `control`.
SIGNAL_MODES = {"control": "interactive", "watch": "watch"}


@database_sync_to_async
def announce_console_opened(user, node: Node, socket_mode: str) -> None:
    console_opened.send_robust(sender=Project, user=user, node=node, mode=SIGNAL_MODES[socket_mode])
