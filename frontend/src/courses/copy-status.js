/**
 * What the teacher's table needs to know about student copies, as pure functions: when a row must be redrawn,
 * how soon to ask again, which node actions make sense, and the one-line summary over the table.
 *
 * The table polls the copies endpoint (see copies-panel.js for why); these decide what a poll changes.
 */

const TRANSITIONAL = new Set(["starting", "stopping"]);
export const FAST_POLL_MS = 1000;
export const SLOW_POLL_MS = 4000;

/** A string that changes exactly when the row a copy draws would change. */
export function copySignature(copy) {
  const nodes = (copy.nodes || []).map((n) => `${n.id}:${n.name}:${n.status}:${n.error || ""}`).join(",");
  return [copy.project, copy.project_name, copy.status, copy.assignment_title, nodes].join("|");
}

/**
 * Which rows to add, redraw and remove. @param {Map<string, string>} drawn copy id → signature drawn now
 * @returns {{add: object[], redraw: object[], remove: string[], order: string[]}}
 */
export function diffCopies(drawn, copies) {
  const add = [];
  const redraw = [];
  const seen = new Set();
  for (const copy of copies) {
    seen.add(copy.id);
    if (!drawn.has(copy.id)) add.push(copy);
    else if (drawn.get(copy.id) !== copySignature(copy)) redraw.push(copy);
  }
  const remove = [...drawn.keys()].filter((id) => !seen.has(id));
  return { add, redraw, remove, order: copies.map((c) => c.id) };
}

/** A node is moving (or an action was just asked for): ask again soon; otherwise a slower, cheap pace. */
export function pollDelay(copies, { recentAction = false } = {}) {
  if (recentAction) return FAST_POLL_MS;
  const moving = copies.some((c) => (c.nodes || []).some((n) => TRANSITIONAL.has(n.status)));
  return moving ? FAST_POLL_MS : SLOW_POLL_MS;
}

/** A console (watched or taken over) needs a running node. */
export function consoleAvailable(node) {
  return node.status === "started";
}

/** "3 of 5 labs running · 1 with errors" for the table's heading. */
export function copiesSummary(copies) {
  if (!copies.length) return "no labs yet";
  const running = copies.filter((c) => c.status === "started" || c.status === "partial").length;
  const failed = copies.filter((c) => c.status === "error").length;
  const parts = [`${running} of ${copies.length} lab${copies.length === 1 ? "" : "s"} running`];
  if (failed) parts.push(`${failed} with errors`);
  return parts.join(" · ");
}
