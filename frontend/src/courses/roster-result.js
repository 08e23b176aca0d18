/**
 * The answer of a roster import (or of adding one student) in words: a summary, the lines that failed with
 * their reason, and the new accounts whose passwords must be shown now (they are never shown again).
 */

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 new accounts, 1 existing account enrolled, 1 already enrolled, 1 line refused". */
export function rosterSummary(result) {
  const created = (result.created || []).length;
  const enrolled = (result.enrolled || []).length;
  const unchanged = (result.unchanged || []).length;
  const errors = (result.errors || []).length;
  const parts = [];
  if (created) parts.push(plural(created, "new account"));
  if (enrolled) parts.push(`${plural(enrolled, "existing account")} enrolled`);
  if (unchanged) parts.push(`${unchanged} already enrolled`);
  if (errors) parts.push(`${plural(errors, "line")} refused`);
  return parts.length ? parts.join(", ") : "the roster had no lines";
}

/** One sentence per refused line: "line 3 (bob,not-an-email): email 'not-an-email' is not a valid address." */
export function rosterErrorLines(result) {
  return (result.errors || []).map((e) => ({
    line: e.line,
    text: `line ${e.line}${e.text ? ` (${e.text})` : ""}: ${e.error}`,
  }));
}

/** Accounts created just now, with the password that is shown only in this answer. */
export function newAccounts(result) {
  return (result.created || []).filter((row) => row.password).map(({ username, email, password }) => ({ username, email, password }));
}

/** What adding one student did, from POST …/students/ ({username, email, new_account, password?}). */
export function addedStudentText(row) {
  if (row.new_account) return `${row.username} has a new account and is enrolled.`;
  return `${row.username} is enrolled.`;
}
