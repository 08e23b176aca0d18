/**
 * A node's configuration as the panel edits it, and back into the API's shape: files (path → text, the node's
 * own over its template's), startup lines, environment, adapters, CPUs and memory.
 *
 * Division of labour: pure functions only (no DOM, no requests), so the rules are unit-tested; the panel
 * (editor/node-config.js) draws the form and sends what `patchBody` builds.
 */

/** "KEY=value" lines → {KEY: "value"}; blank lines and "#" comments are skipped. Throws on a line with no "=". */
export function parseEnvironment(text) {
  const found = {};
  (text || "").split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`line ${index + 1}: write KEY=value`);
    found[line.slice(0, at).trim()] = line.slice(at + 1);
  });
  return found;
}

export function formatEnvironment(environment) {
  return Object.entries(environment || {})
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/** Startup lines as the API keeps them (a list), from a textarea; trailing blank lines dropped. */
export function parseStartup(text) {
  const lines = (text || "").split("\n").map((line) => line.replace(/\s+$/, ""));
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return lines;
}

/**
 * Every file the node will get on its next start, with where its text comes from.
 * @returns {{path: string, text: string, source: "node"|"template"|"both"}[]} sorted by path
 */
export function fileEntries(node) {
  const own = node.files || {};
  const effective = node.effective_files || own;
  const paths = new Set([...Object.keys(effective), ...Object.keys(own)]);
  return [...paths].sort().map((path) => {
    const fromTemplate = path in effective && !(path in own);
    const overrides = path in own && (node.template_files || {})[path] !== undefined;
    return {
      path,
      text: path in own ? own[path] : effective[path],
      source: fromTemplate ? "template" : overrides ? "both" : "node",
    };
  });
}

/** A path the API will take: absolute, no "..", no empty parts. Returns a message or "". */
export function pathProblem(path) {
  if (!path || !path.startsWith("/")) return "a file path starts with /";
  if (path.endsWith("/")) return "name a file, not a folder";
  if (path.split("/").some((part) => part === "..")) return "a path may not contain ..";
  return "";
}

/**
 * The PATCH body for what the form holds. `edited` maps path → text for files the user changed or added;
 * `removed` lists the node's own files to drop (a path the template also has falls back to the template's).
 */
export function patchBody(node, form) {
  const files = { ...(node.files || {}) };
  for (const path of form.removed || []) delete files[path];
  Object.assign(files, form.edited || {});
  const body = {
    files,
    startup: parseStartup(form.startup),
    environment: parseEnvironment(form.environment),
  };
  for (const field of ["adapters", "cpus", "memory_mb"]) {
    const raw = form[field];
    if (raw === "" || raw === undefined || raw === null) body[field] = null;
    else body[field] = Number(raw);
  }
  if (body.adapters === null) delete body.adapters; // the template's count stands
  return body;
}

/** Which of a node's files differ between two readings (what "Save running config" brought back). */
export function changedPaths(before, after) {
  const paths = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  return [...paths].filter((p) => (before || {})[p] !== (after || {})[p]).sort();
}
