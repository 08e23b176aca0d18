/**
 * Selection rules of the canvas, as pure functions: what a click does to the selection, what deleting a
 * selection takes with it, and when the editor must ask before deleting.
 *
 * Division of labour: canvas.js configures Cytoscape to follow `afterClick` (selectionType "single": a plain
 * click replaces, shift/ctrl/meta-click toggles, shift+drag box-selects in addition); editor.js asks
 * `deletionPlan` before deleting and shows its lines in the confirmation dialog. Nothing here touches the DOM.
 */

/** The selection (a Set of ids) after clicking element `id`; `additive` when shift, ctrl or meta was held. */
export function afterClick(current, id, additive) {
  if (id == null) return additive ? new Set(current) : new Set();
  if (!additive) return new Set([id]);
  const next = new Set(current);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

const RUNNING = new Set(["started", "starting", "stopping"]);

/**
 * What deleting a selection removes: the selected nodes, links and annotations, plus every link attached to a
 * deleted node. `ask` is true when more than one element was picked or any node is running; `lines` describe each.
 * @param {{nodes: string[], links: string[], annotations?: string[]}} selection
 * @param {{nodes: Map, links: Map, annotations?: Map}} store
 */
export function deletionPlan(selection, store) {
  const nodes = selection.nodes.filter((id) => store.nodes.has(id)).map((id) => store.nodes.get(id));
  const doomed = new Set(nodes.map((n) => n.id));
  const links = new Map();
  for (const id of selection.links) if (store.links.has(id)) links.set(id, store.links.get(id));
  for (const link of store.links.values()) {
    if (doomed.has(link.a.node) || doomed.has(link.b.node)) links.set(link.id, link);
  }
  const annotations = (selection.annotations || [])
    .filter((id) => store.annotations?.has(id))
    .map((id) => store.annotations.get(id));
  const running = nodes.filter((n) => RUNNING.has(n.status));
  const name = (id) => store.nodes.get(id)?.name || "?";
  const lines = [
    ...nodes.map((n) => `node ${n.name}${RUNNING.has(n.status) ? ` (${n.status}: its container is removed)` : ""}`),
    ...[...links.values()].map((l) => `link ${name(l.a.node)}:${l.a.port} — ${name(l.b.node)}:${l.b.port}`),
    ...annotations.map((a) => `${a.kind === "text" ? "note" : a.kind} ${a.text ? `“${a.text.slice(0, 30)}”` : ""}`.trim()),
  ];
  const count = nodes.length + links.size + annotations.length;
  // A node's own links go with it without asking: what the user picked is what counts.
  const picked = nodes.length + selection.links.filter((id) => store.links.has(id)).length + annotations.length;
  return {
    nodes,
    links: [...links.values()],
    annotations,
    running,
    lines,
    count,
    ask: picked > 1 || running.length > 0,
  };
}
