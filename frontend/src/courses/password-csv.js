/**
 * New passwords as a CSV file the browser downloads: the server returns each password once and keeps only its
 * hash, so this file is the only copy. `passwordsCsv` is pure (tested); `downloadText` hands text to the browser.
 */

const quote = (value) => {
  const text = String(value ?? "");
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** "username,email,password" then one line per account. */
export function passwordsCsv(rows) {
  return ["username,email,password", ...rows.map((r) => [r.username, r.email, r.password].map(quote).join(","))].join("\n") + "\n";
}

export function downloadText(filename, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
