/**
 * The console websocket's protocol as the pages speak it: which URL opens a node's console in which mode, what
 * the server's text frames mean, and what each close code tells the user.
 *
 * Division of labour: pure functions only (no DOM, no socket), so the editor's and the course page's terminals
 * read the protocol the same way. Output itself is binary frames, written to xterm untouched.
 */

export const CONSOLE_MODES = Object.freeze(["control", "watch", "takeover"]);

/**
 * The console socket's path: `control` (the default) is an interactive shell, `watch` a read-only view,
 * `takeover` joins the node's open console (the student's own shell) to type in it.
 */
export function consolePath(projectId, nodeId, mode = "control") {
  if (!CONSOLE_MODES.includes(mode)) throw new Error(`unknown console mode ${mode}`);
  const path = `/ws/projects/${projectId}/nodes/${nodeId}/console/`;
  return mode === "control" ? path : `${path}?mode=${mode}`;
}

const isDimension = (v) => Number.isInteger(v) && v >= 1 && v <= 1000;

/**
 * A server text frame: `{size: [cols, rows]}` (the watched PTY's size), `{notice: "..."}` (a line to show the
 * user), or `{text}` for anything else (older servers sent nothing but terminal bytes; show it as it is).
 */
export function parseServerText(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return { text };
  }
  if (!message || typeof message !== "object" || Array.isArray(message)) return { text };
  const parsed = {};
  if (Array.isArray(message.size) && message.size.length === 2 && message.size.every(isDimension)) {
    parsed.size = message.size;
  }
  if (typeof message.notice === "string") parsed.notice = message.notice;
  const takeover = message.takeover;
  if (takeover && typeof takeover === "object" && typeof takeover.by === "string" && typeof takeover.active === "boolean") {
    const typists = Array.isArray(takeover.typists) ? takeover.typists.filter((t) => typeof t === "string") : [];
    parsed.takeover = { by: takeover.by, active: takeover.active, typists };
  }
  return Object.keys(parsed).length ? parsed : { text };
}

const CLOSE_REASONS = {
  4400: "the console request was not understood",
  4401: "you are not logged in",
  4403: "you may not use this node's console",
  4404: "the node is not running",
  4429: "you have as many consoles open as you may; close one first",
  4500: "the node's shell could not start",
};

/** The banner a console's owner sees while others type in it ("" when nobody does). */
export function typistsBanner(typists) {
  if (!typists || !typists.length) return "";
  return `${typists.join(", ")} ${typists.length === 1 ? "is" : "are"} typing in this terminal with you`;
}

/** Why a console closed, in words, from its close code and mode. */
export function closeReason(code, mode = "control") {
  if (CLOSE_REASONS[code]) return CLOSE_REASONS[code];
  if (code === 1000) return mode === "watch" ? "the node stopped" : "the shell ended";
  return `connection closed (code ${code})`;
}
