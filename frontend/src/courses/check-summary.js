/**
 * Words and marks for check results, shared by the student's course page, the editor's instructions panel and
 * the teacher's grid. Pure functions: no DOM, no requests (tested in tests/check-summary.test.js).
 */

/** "✓" passed, "✗" failed, "–" never run. */
export function mark(passed) {
  if (passed === true) return "✓";
  if (passed === false) return "✗";
  return "–";
}

/** "3 of 4 checks pass", or "not checked yet" when no check has run. */
export function summaryText(results) {
  if (!results.length) return "this assignment has no checks";
  if (results.every((r) => r.passed === null || r.passed === undefined)) return "not checked yet";
  const passed = results.filter((r) => r.passed).length;
  return passed === results.length ? `all ${passed} checks pass` : `${passed} of ${results.length} checks pass`;
}

/** A short local time, or "" for none. */
export function whenText(iso, now = new Date()) {
  if (!iso) return "";
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? at.toLocaleTimeString() : at.toLocaleString();
}

/** "due Fri, 10 Jan 2027 12:00 (in 3 days)" / "was due … (2 hours ago)"; "" without a due date. */
export function dueText(iso, now = new Date()) {
  if (!iso) return "";
  const due = new Date(iso);
  const ms = due - now;
  const hours = Math.round(Math.abs(ms) / 3600000);
  const span = hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} hour${hours === 1 ? "" : "s"}`;
  return ms >= 0 ? `due ${due.toLocaleString()} (in ${span})` : `was due ${due.toLocaleString()} (${span} ago)`;
}
