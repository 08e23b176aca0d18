/**
 * Operations in words for the toolbar and the notice bar: "Starting lab: 2 of 4 nodes", "Stopping r1",
 * "Lab started", never the internal kind ("project.start 0/4").
 *
 * Division of labour: pure; editor.js shows the sentences. `nameOf(id)` gives a node's name for node operations.
 */

import { nodeProgress } from "../lib/operation-steps.js";

const VERBS = {
  "project.start": ["Starting lab", "Lab started", "start the lab"],
  "project.stop": ["Stopping lab", "Lab stopped", "stop the lab"],
  "node.start": ["Starting", "started", "start"],
  "node.stop": ["Stopping", "stopped", "stop"],
  "node.restart": ["Restarting", "restarted", "restart"],
};

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The sentence for an operation in progress. */
export function progressSentence(op, nameOf = () => null) {
  const [doing] = VERBS[op.kind] || ["Working"];
  if (op.kind?.startsWith("node.")) return `${doing} ${nameOf(op.target) || "a node"}`;
  if (!op.total) return `${doing}…`;
  const { nodes, done, startup } = nodeProgress(op);
  if (startup) return `${doing}: ${plural(nodes, "node")} up, running startup lines`;
  return `${doing}: ${done} of ${plural(nodes, "node")}`;
}

/** The notice for a finished operation: `{text, error}`. */
export function doneSentence(op, nameOf = () => null) {
  const [, done, verb] = VERBS[op.kind] || [null, "Done", "finish"];
  const node = op.kind?.startsWith("node.") ? nameOf(op.target) || "the node" : null;
  if (op.status === "error" || op.error) {
    return { error: true, text: `Could not ${verb}${node ? ` ${node}` : ""}: ${op.error || "the worker reported an error"}` };
  }
  return { error: false, text: node ? `${node} ${done}` : done };
}
