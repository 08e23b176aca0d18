/**
 * Which ports of a node are free, and which to take when the user does not choose.
 *
 * Division of labour: pure functions over a node (its "ports" list from the API) and the links the
 * store holds. Links are the source of truth for occupancy, because a node's own "ports[].link"
 * may lag behind a link event that did not come with a node update.
 */

/** Names of the ports of `node` that no link in `links` uses, in the node's port order. */
export function freePorts(node, links) {
  const used = new Set();
  for (const link of links) {
    for (const end of [link.a, link.b]) {
      if (end && end.node === node.id) used.add(end.port);
    }
  }
  return (node.ports || []).map((p) => p.name).filter((name) => !used.has(name));
}

/** The first free port of `node`, or null when every port is taken. */
export function nextFreePort(node, links) {
  const free = freePorts(node, links);
  return free.length ? free[0] : null;
}

/** Thrown when a link cannot be proposed, with a message for the user. */
export class NoFreePortError extends Error {
  constructor(node) {
    const count = (node.ports || []).length;
    super(
      count
        ? `${node.name} has no free port: all ${count} are linked; delete a link or add adapters`
        : `${node.name} has no ports to link`,
    );
    this.name = "NoFreePortError";
    this.node = node;
  }
}

/**
 * The POST body for a link between two nodes, taking each side's chosen port or its next free one.
 * Throws NoFreePortError naming the node that has none.
 */
export function linkRequest(nodeA, nodeB, links, { portA = null, portB = null } = {}) {
  const a = portA || nextFreePort(nodeA, links);
  if (!a) throw new NoFreePortError(nodeA);
  const b = portB || nextFreePort(nodeB, links);
  if (!b) throw new NoFreePortError(nodeB);
  return { a: { node: nodeA.id, port: a }, b: { node: nodeB.id, port: b } };
}
