import { describe, expect, it } from "vitest";
import { checkBody, checkValues } from "../src/courses/assignment-editor.js";

describe("editing a check", () => {
  it("fills the form with what checkBody sends back", () => {
    const checks = [
      { name: "up", kind: "command", node: "pc1", command: "ip link", expect: { output_contains: "UP" }, hint: "h", timeout: 5 },
      { name: "ok", kind: "command", node: "pc1", command: "true", expect: { exit_code: 0 }, hint: "" },
      { name: "reach", kind: "reaches", node: "pc2", target: "10.0.0.1", hint: "ping", timeout: 10 },
      { name: "addr", kind: "address", node: "r1", target: "10.0.0.1/24", interface: "eth0", hint: "" },
    ];
    for (const check of checks) {
      const { name, kind, node, hint } = check;
      const body = checkBody(checkValues(check));
      expect(body).toMatchObject({ name, kind, node, hint });
      if (kind === "command") expect([body.command, body.expect]).toEqual([check.command, check.expect]);
      else expect(body.target).toBe(check.target);
      if (check.interface) expect(body.interface).toBe(check.interface);
      if (check.timeout) expect(body.timeout).toBe(check.timeout);
    }
  });
});
