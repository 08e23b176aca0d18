"""A snapshot cut into websocket messages of bounded size, so a project of any size loads.

Division of labour: `webgns.live.snapshot` gathers the project; this module only serialises it
into messages; the events consumer sends them back to back (nothing can fall between them: a
consumer handles one message at a time, and group events wait in its channel).

Daphne (autobahn) and many clients (Python's `websockets`: 1 MiB by default) refuse messages over
1 MiB; a 2600-node project's snapshot is larger. The first message is the snapshot as before, with
as many nodes and links as fit; `"more": true` says parts follow:

    {"type": "snapshot", "seq": n, "project": {..., "nodes": [...], "links": [...]}, "more": true}
    {"type": "snapshot.part", "seq": n, "nodes": [...], "links": [...], "more": true}
    {"type": "snapshot.part", "seq": n, "nodes": [...], "links": [...], "more": false}

A client applies the snapshot once the part with `"more": false` has arrived. Each message holds
at most PART_BYTES of nodes and links, except that one node or link is never split: a message
with a single item may be as large as that item (the API's limits keep every node far smaller).
"""

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder

# Well under the 1 MiB limit, and small enough that the first nodes are drawn while later parts travel.
PART_BYTES = 256 * 1024


def dumps(value: object) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"))


def _batches(items: list[tuple[str, str]], budget: int) -> Iterator[dict[str, list[str]]]:
    """Consecutive batches of serialised (kind, json) items, each at most `budget` bytes (or one item)."""
    batch: dict[str, list[str]] = {"nodes": [], "links": []}
    size = 0
    for kind, text in items:
        cost = len(text.encode()) + 1
        if size and size + cost > budget:
            yield batch
            batch, size = {"nodes": [], "links": []}, 0
        batch[kind].append(text)
        size += cost
    yield batch


def snapshot_messages(seq: int, project: dict, budget: int = PART_BYTES) -> list[str]:
    """The text frames that carry `project` (with its `nodes` and `links`) at event number `seq`."""
    head = {k: v for k, v in project.items() if k not in ("nodes", "links")}
    items = [("nodes", dumps(n)) for n in project.get("nodes", [])]
    items += [("links", dumps(link)) for link in project.get("links", [])]
    batches = list(_batches(items, budget))
    messages = []
    for i, batch in enumerate(batches):
        body = f'"nodes":[{",".join(batch["nodes"])}],"links":[{",".join(batch["links"])}]'
        more = "true" if i < len(batches) - 1 else "false"
        if i == 0:
            head_json = dumps(head)[:-1]  # "{...fields" without its closing brace
            separator = "," if head else ""
            messages.append(f'{{"type":"snapshot","seq":{int(seq)},"project":{head_json}{separator}{body}}},'
                            f'"more":{more}}}')
        else:
            messages.append(f'{{"type":"snapshot.part","seq":{int(seq)},{body},"more":{more}}}')
    return messages
