import { describe, expect, it } from "vitest";
import { passwordsCsv } from "../src/courses/password-csv.js";

describe("passwordsCsv", () => {
  it("writes a header and quotes what needs it", () => {
    const csv = passwordsCsv([
      { username: "ann", email: "ann@example.org", password: "p1" },
      { username: "bob", email: "b,ob@example.org", password: 'x"y' },
    ]);
    expect(csv).toBe('username,email,password\nann,ann@example.org,p1\nbob,"b,ob@example.org","x""y"\n');
  });
});
