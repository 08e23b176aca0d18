/**
 * What an import dry run said, in words a person reads before anything is made: one row per node
 * (made as which template, skipped, or refused with the reason), and whether the import may go on.
 *
 * Division of labour: pure functions over the server's dry-run answer
 * (`{"nodes": [{"name","action","reason"}], "links": [...]}`); import-panel.js draws them and asks
 * the server.
 */

/** Formats the import takes, by file name (the server detects the format; this only guides the picker). */
export const IMPORT_ACCEPT = ".json,.yml,.yaml,.clab.yml,.clab.yaml,.gns3,.gns3project,.tar.gz,.tgz";

/** @returns {{rows: {name: string, action: string, reason: string, blocking: boolean}[], blocked: number, made: number, skipped: number}} */
export function summarise(report) {
  const rows = (report && Array.isArray(report.nodes) ? report.nodes : []).map((row) => {
    const action = String(row.action || "");
    return {
      name: String(row.name || ""),
      action,
      reason: String(row.reason || ""),
      blocking: action === "unsupported" || action === "refused" || action === "error",
    };
  });
  return {
    rows,
    blocked: rows.filter((r) => r.blocking).length,
    made: rows.filter((r) => !r.blocking && r.action !== "skip" && r.action !== "skipped").length,
    skipped: rows.filter((r) => r.action === "skip" || r.action === "skipped").length,
  };
}

/** "frrouting/frr* = frr" lines → {"frrouting/frr*": "frr"}; a bad line is named. */
export function parseMap(text) {
  const map = {};
  const lines = String(text || "").split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    const image = at > 0 ? line.slice(0, at).trim() : "";
    const template = at > 0 ? line.slice(at + 1).trim() : "";
    if (!image || !template) throw new Error(`line ${i + 1}: write "image-or-type = template", e.g. "frrouting/frr* = frr"`);
    map[image] = template;
  }
  return map;
}

/** The first refusal of a 400 answer, with the field (or line) it names. */
export function refusal(body, fallback) {
  if (!body || typeof body !== "object") return fallback;
  for (const [field, value] of Object.entries(body)) {
    const text = Array.isArray(value) ? value.join(" ") : typeof value === "object" ? JSON.stringify(value) : String(value);
    return field === "detail" ? text : `${field}: ${text}`;
  }
  return fallback;
}
