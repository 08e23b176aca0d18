import { describe, expect, it } from "vitest";
import { addedStudentText, newAccounts, rosterErrorLines, rosterSummary } from "../src/courses/roster-result.js";

const result = {
  created: [{ username: "ann", email: "ann@example.org", line: 1, password: "s3cret" }],
  enrolled: [{ username: "bob", email: "bob@example.org", line: 2 }],
  unchanged: [],
  errors: [{ line: 3, text: "cy,not-an-email", error: "email 'not-an-email' is not a valid address." }],
};

describe("roster results", () => {
  it("sums an import up", () => {
    expect(rosterSummary(result)).toBe("1 new account, 1 existing account enrolled, 1 line refused");
    expect(rosterSummary({ created: [], enrolled: [], unchanged: [{}, {}], errors: [] })).toBe("2 already enrolled");
    expect(rosterSummary({})).toBe("the roster had no lines");
  });

  it("names each refused line with its number, text and reason", () => {
    expect(rosterErrorLines(result)).toEqual([
      { line: 3, text: "line 3 (cy,not-an-email): email 'not-an-email' is not a valid address." },
    ]);
    expect(rosterErrorLines({ errors: [{ line: 9, text: "", error: "the username is empty." }] })[0].text).toBe(
      "line 9: the username is empty.",
    );
  });

  it("lists new accounts with their one-time passwords only", () => {
    expect(newAccounts(result)).toEqual([{ username: "ann", email: "ann@example.org", password: "s3cret" }]);
    expect(addedStudentText({ username: "ann", new_account: true })).toBe("ann has a new account and is enrolled.");
    expect(addedStudentText({ username: "bob", new_account: false })).toBe("bob is enrolled.");
  });
});
