/**
 * Names for nodes dropped from the palette: the template's name plus the lowest unused number.
 *
 * Division of labour: pure; the palette asks for a name, the server still decides if it is valid.
 */

/** A name safe as a container/host name: letters, digits and dashes, from a template name. */
export function nameStem(templateName) {
  const stem = String(templateName || "node")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return stem || "node";
}

/** The template's stem followed by the lowest number >= 1 that no name in `taken` uses. */
export function nextNodeName(templateName, taken) {
  const stem = nameStem(templateName);
  const names = new Set(taken);
  for (let i = 1; ; i += 1) {
    const candidate = `${stem}${i}`;
    if (!names.has(candidate)) return candidate;
  }
}

/**
 * A name for a copy of node `name` that no name in `taken` uses: its stem (the name without trailing digits)
 * followed by the lowest free number, so copies of r1 become r2, r3… The copy's name is added to `taken`.
 * @param {string} name
 * @param {Set<string>} taken
 */
export function uniqueCopyName(name, taken) {
  const stem = nameStem(String(name).replace(/\d+$/, "")) || "node";
  for (let i = 1; ; i += 1) {
    const candidate = `${stem}${i}`.slice(0, 32);
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}
