/**
 * The file name an exported project downloads as: the project's name with spaces and other characters as "-",
 * then the format's suffix (".webgns.json", ".webgns.yaml", ".clab.yml") — the same rule as the server's
 * Content-Disposition (webgns/labs/api/topology_views.py). A containerlab export with node files comes as a
 * .tar.gz folder, named by the server.
 */

/** The formats the export offers (`?format=`), with the suffix of the file each downloads as. */
export const EXPORT_FORMATS = {
  json: { label: "webgns JSON", suffix: ".webgns.json" },
  yaml: { label: "webgns YAML", suffix: ".webgns.yaml" },
  clab: { label: "containerlab", suffix: ".clab.yml" },
};

export function exportFileName(name, format = "json") {
  const stem = String(name || "")
    .trim()
    .split("")
    .map((c) => (/[\p{L}\p{N}._()+-]/u.test(c) ? c : "-"))
    .join("")
    .replace(/^[.-]+|[.-]+$/g, "");
  return `${stem || "project"}${(EXPORT_FORMATS[format] || EXPORT_FORMATS.json).suffix}`;
}
