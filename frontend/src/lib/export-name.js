/**
 * The file name an exported project downloads as: the project's name with spaces and other characters as "-",
 * then ".webgns.json" — the same rule as the server's Content-Disposition (webgns/labs/api/views.py).
 */

export function exportFileName(name) {
  const stem = String(name || "")
    .trim()
    .split("")
    .map((c) => (/[\p{L}\p{N}._()+-]/u.test(c) ? c : "-"))
    .join("")
    .replace(/^[.-]+|[.-]+$/g, "");
  return `${stem || "project"}.webgns.json`;
}
