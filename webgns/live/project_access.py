"""Who may open which project's sockets: one answer for both consumers, as a close code.

Division of labour: the rules live in `webgns.labs.access` (the REST API asks the same place);
this module turns them into the websocket outcome. A project the user cannot see is "not found"
(4404), as the REST API answers 404, so a socket never confirms that someone else's project exists.
"""

from dataclasses import dataclass

from channels.db import database_sync_to_async

from webgns.labs import access
from webgns.labs.choices import NodeStatus
from webgns.labs.models import Node, Project
from webgns.live import close_codes


@dataclass(frozen=True)
class AccessDecision:
    project: Project | None
    may_change: bool
    refusal: int | None  # a close code, or None when the socket may open


def decide(user, project_id: object, *, need_change: bool) -> AccessDecision:
    if user is None or not user.is_authenticated:
        return AccessDecision(None, False, close_codes.NOT_AUTHENTICATED)
    project = Project.objects.select_related("owner").filter(pk=project_id).first()
    if project is None or not access.can_view(user, project):
        return AccessDecision(None, False, close_codes.NOT_FOUND)
    may_change = access.can_change(user, project)
    if need_change and not may_change:
        return AccessDecision(project, False, close_codes.NOT_ALLOWED)
    return AccessDecision(project, may_change, None)


decide_async = database_sync_to_async(decide)


@database_sync_to_async
def node_in_project(project: Project, node_id: object) -> Node | None:
    return Node.objects.filter(project=project, pk=node_id).first()


async def admit_to_running_node(consumer, *, need_change: bool) -> Node | None:
    """Accept the console socket, then the node it names if the user may open it and it runs;
    otherwise close with the refusal's code and return None. Both console modes ask this."""
    kwargs = consumer.scope["url_route"]["kwargs"]
    decision = await decide_async(consumer.scope.get("user"), kwargs["project_id"], need_change=need_change)
    await consumer.accept()
    if decision.refusal is not None:
        await consumer.close(code=decision.refusal)
        return None
    node = await node_in_project(decision.project, kwargs["node_id"])
    if node is None or node.status != NodeStatus.STARTED:
        await consumer.close(code=close_codes.NOT_FOUND)
        return None
    return node
