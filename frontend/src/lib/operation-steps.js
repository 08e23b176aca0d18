/**
 * What an operation's `done`/`total` count, in nodes. A start (or restart) counts one step per node and one
 * more for the startup lines, which run once every node is up (webgns/tasks/operations.py): a 5-node lab's
 * start has total 6, and "0 of 6 nodes" was wrong by that step. A stop counts its nodes only.
 *
 * Division of labour: pure; the editor's toolbar (editor/operation-text.js) and the student's page
 * (courses/start-progress.js) word the result.
 */

const WITH_STARTUP_STEP = new Set(["project.start", "node.start", "node.restart"]);

/** `{nodes, done, startup}`: nodes the operation concerns, how many are done, and whether the startup lines run. */
export function nodeProgress(op) {
  const total = Number(op?.total) || 0;
  const done = Number(op?.done) || 0;
  if (!WITH_STARTUP_STEP.has(op?.kind) || total === 0) return { nodes: total, done: Math.min(done, total), startup: false };
  const nodes = total - 1;
  return { nodes, done: Math.min(done, nodes), startup: done >= nodes && op.status !== "done" };
}
