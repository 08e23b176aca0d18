"""Signals other apps listen to without labs (or live) importing them.

`console_opened` is sent by the console websocket when a terminal into a node opens, so that
classrooms can write it to the course's audit trail.
"""

from django.dispatch import Signal

# Sent with sender=Project, user=<User>, node=<Node>, mode="interactive"|"watch".
console_opened = Signal()
