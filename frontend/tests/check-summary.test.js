import { describe, expect, it } from "vitest";
import { dueText, mark, summaryText } from "../src/courses/check-summary.js";

describe("check summary", () => {
  it("marks passed, failed and never run", () => {
    expect([mark(true), mark(false), mark(null)]).toEqual(["✓", "✗", "–"]);
  });
  it("counts what passes", () => {
    expect(summaryText([])).toBe("this assignment has no checks");
    expect(summaryText([{ passed: null }])).toBe("not checked yet");
    expect(summaryText([{ passed: true }, { passed: false }])).toBe("1 of 2 checks pass");
    expect(summaryText([{ passed: true }, { passed: true }])).toBe("all 2 checks pass");
  });
  it("says when something is due, or was", () => {
    const now = new Date("2027-01-10T12:00:00Z");
    expect(dueText(null, now)).toBe("");
    expect(dueText("2027-01-13T12:00:00Z", now)).toMatch(/^due .* \(in 3 days\)$/);
    expect(dueText("2027-01-10T10:00:00Z", now)).toMatch(/^was due .* \(2 hours ago\)$/);
  });
});
