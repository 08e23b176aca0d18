/**
 * A student's start of an assignment in words: the operation's progress, and why a start was refused (a quota
 * refusal is the server's own sentence, shown next to the button).
 */

import { nodeProgress } from "../lib/operation-steps.js";

/** "starting… 1/2 nodes", "running", or "could not start: <reason>" for an operation from /api/operations/{id}/. */
export function progressText(operation) {
  if (!operation) return "";
  if (operation.status === "done") return "running";
  if (operation.status === "error") return `could not start: ${operation.error || "the worker reported an error"}`;
  if (!operation.total) return "starting…";
  const { nodes, done, startup } = nodeProgress({ kind: "project.start", ...operation });
  return startup ? `starting… ${nodes}/${nodes} nodes up, running startup lines` : `starting… ${done}/${nodes} nodes`;
}

export function finished(operation) {
  return Boolean(operation) && (operation.status === "done" || operation.status === "error");
}

/** The message for a refused start: the quota sentence(s) when there are, else the API's message. */
export function startRefusal(error) {
  const quota = error && error.body && error.body.quota;
  if (Array.isArray(quota) && quota.length) return quota.join(" ");
  if (typeof quota === "string") return quota;
  return (error && error.message) || "the lab could not be started";
}

/** What the student's row says about their copy before they press anything. */
export function copyStateText(copy) {
  if (!copy) return "not started yet";
  const words = { started: "running", partial: "partly running", stopped: "stopped", error: "has errors", empty: "empty" };
  return words[copy.status] || copy.status || "";
}
