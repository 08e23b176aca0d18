import { describe, expect, it } from "vitest";
import { iconSvg, iconUri, ROLES, roleOf } from "../src/editor/role-icons.js";

describe("role icons", () => {
  it("takes the template's role, else derives one from the kind", () => {
    expect(roleOf({ kind: "docker" }, { role: "router" })).toBe("router");
    expect(roleOf({ kind: "ovs" }, {})).toBe("switch");
    expect(roleOf({ kind: "bridge" })).toBe("switch");
    expect(roleOf({ kind: "docker" })).toBe("host");
    expect(roleOf({ kind: "docker" }, { role: "toaster" })).toBe("host");
  });

  it("draws every role with a status badge", () => {
    expect(ROLES).toEqual(["router", "switch", "host", "server", "firewall", "cloud"]);
    for (const role of ROLES) {
      const svg = iconSvg(role, "started");
      expect(svg.startsWith('<svg width="40" height="40" ')).toBe(true);
      expect(svg.endsWith('stroke-width="1.5"/></svg>')).toBe(true);
      expect(svg).toContain('fill="#2e9e44"');
    }
    expect(iconSvg("host", "error")).toContain('stroke="#fff" stroke-width="2"');
    expect(iconUri("router", "stopped")).toBe(iconUri("router", "stopped"));
    expect(iconUri("router", "stopped").startsWith("data:image/svg+xml;utf8,%3Csvg")).toBe(true);
  });
});
