/**
 * VLANs of switch ports as the canvas shows them on link labels: "eth0 · v10", "eth2 · trunk 10,20".
 *
 * Division of labour: pure text from a node's `vlans` field ({"eth0": {"access": 10}, "eth2": {"trunk": [10, 20]}},
 * as the API names it); graph-elements.js puts it on the edge, canvas.js redraws links when a node's vlans change.
 */

/** The short VLAN text of one port: "v10" (access), "trunk 10,20", or "" (no VLAN role). */
export function portVlanText(vlans, port) {
  const role = vlans?.[port];
  if (!role || typeof role !== "object") return "";
  if (role.access != null) return `v${role.access}`;
  if (Array.isArray(role.trunk) && role.trunk.length) return `trunk ${role.trunk.join(",")}`;
  return "";
}

/** The label of a link end: its port, with the port's VLANs when its node gives it some. */
export function endLabel(port, node) {
  const vlan = portVlanText(node?.vlans, port);
  return vlan ? `${port} · ${vlan}` : port;
}

/** Whether two versions of a node differ in their VLANs (so that the labels of its links need redrawing). */
export function vlansChanged(before, after) {
  return JSON.stringify(before?.vlans ?? {}) !== JSON.stringify(after?.vlans ?? {});
}
