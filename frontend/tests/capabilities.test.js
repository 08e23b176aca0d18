import { describe, expect, it } from "vitest";
import { disabledReasons, hostsForNodes } from "../src/lib/capabilities.js";

const host = (name, caps) => ({ name, capabilities: { reasons: {}, ...caps } });

describe("capabilities", () => {
  it("disables netem fields with the host's reason, keeps rate when tbf exists", () => {
    const reasons = disabledReasons([
      host("h1", { netem: false, tbf: true, reasons: { netem: "delay needs the sch_netem kernel module, which this host's kernel lacks" } }),
    ]);
    expect(reasons).toEqual({ netem: "delay needs the sch_netem kernel module, which this host's kernel lacks" });
  });

  it("disables the rate only when neither tbf nor netem exists", () => {
    expect(disabledReasons([host("h1", { netem: true, tbf: false })])).toEqual({});
    expect(disabledReasons([host("h1", { netem: false, tbf: false })]).rate).toMatch(/neither the tbf nor the netem/);
  });

  it("names the host when there are several, and disables nothing when none is known", () => {
    const hosts = [host("h1", { netem: true, tbf: true }), host("h2", { netem: false, tbf: true, reasons: { netem: "no netem" } })];
    expect(disabledReasons(hosts)).toEqual({ netem: "h2: no netem" });
    expect(disabledReasons([])).toEqual({});
  });

  it("picks the hosts of a link's nodes when the API names them", () => {
    const hosts = [host("h1", {}), host("h2", {})];
    expect(hostsForNodes(hosts, [{ compute_host: "h2" }, { compute_host: "h2" }]).map((h) => h.name)).toEqual(["h2"]);
    expect(hostsForNodes(hosts, [{}, {}]).length).toBe(2);
    expect(hostsForNodes(hosts, [{ compute_host: "gone" }]).length).toBe(2);
  });
});
