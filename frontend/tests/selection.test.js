import { describe, expect, it } from "vitest";
import { afterClick, deletionPlan } from "../src/editor/selection.js";

const store = () => ({
  nodes: new Map([
    ["a", { id: "a", name: "r1", status: "started" }],
    ["b", { id: "b", name: "r2", status: "stopped" }],
    ["c", { id: "c", name: "sw1", status: "stopped" }],
  ]),
  links: new Map([
    ["l1", { id: "l1", a: { node: "a", port: "eth0" }, b: { node: "b", port: "eth0" } }],
    ["l2", { id: "l2", a: { node: "b", port: "eth1" }, b: { node: "c", port: "eth0" } }],
  ]),
  annotations: new Map([["t1", { id: "t1", kind: "text", text: "core" }]]),
});

describe("afterClick", () => {
  it("a plain click selects that element only", () => {
    expect([...afterClick(new Set(["a", "b"]), "c", false)]).toEqual(["c"]);
  });
  it("shift/ctrl-click adds, and removes an element already selected", () => {
    expect([...afterClick(new Set(["a"]), "b", true)]).toEqual(["a", "b"]);
    expect([...afterClick(new Set(["a", "b"]), "a", true)]).toEqual(["b"]);
  });
  it("a click on the background clears, unless additive", () => {
    expect(afterClick(new Set(["a"]), null, false).size).toBe(0);
    expect(afterClick(new Set(["a"]), null, true).size).toBe(1);
  });
});

describe("deletionPlan", () => {
  it("a single stopped node asks nothing but takes its links", () => {
    const plan = deletionPlan({ nodes: ["c"], links: [] }, store());
    expect(plan.ask).toBe(false);
    expect(plan.links.map((l) => l.id)).toEqual(["l2"]);
    expect(plan.count).toBe(2);
  });
  it("a running node asks and says so", () => {
    const plan = deletionPlan({ nodes: ["a"], links: [] }, store());
    expect(plan.ask).toBe(true);
    expect(plan.running.map((n) => n.name)).toEqual(["r1"]);
    expect(plan.lines[0]).toContain("started");
  });
  it("one link alone asks nothing; two elements ask and are listed", () => {
    expect(deletionPlan({ nodes: [], links: ["l2"] }, store()).ask).toBe(false);
    const plan = deletionPlan({ nodes: [], links: ["l2"], annotations: ["t1"] }, store());
    expect(plan.ask).toBe(true);
    expect(plan.lines).toEqual(["link r2:eth1 — sw1:eth0", "note “core”"]);
  });
  it("ignores ids the store no longer has", () => {
    expect(deletionPlan({ nodes: ["zz"], links: ["ll"] }, store()).count).toBe(0);
  });
});
