import { describe, expect, it } from "vitest";
import { copyOf, isEmpty, pastePlan } from "../src/editor/clipboard.js";
import { uniqueCopyName } from "../src/lib/node-names.js";

const store = {
  nodes: new Map([
    ["a", { id: "a", name: "r1", template: "t", x: 0, y: 0, status: "started", environment: { K: "v" }, ports: [] }],
    ["b", { id: "b", name: "r2", template: "t", x: 100, y: 0, status: "stopped" }],
    ["c", { id: "c", name: "sw1", template: "s", x: 50, y: 100, status: "stopped" }],
  ]),
  links: new Map([
    ["l1", { id: "l1", a: { node: "a", port: "eth0" }, b: { node: "b", port: "eth1" }, impairment: { a_to_b: { delay_ms: 3 } } }],
    ["l2", { id: "l2", a: { node: "b", port: "eth0" }, b: { node: "c", port: "eth0" }, impairment: {} }],
  ]),
  annotations: new Map([["t", { id: "t", kind: "rect", text: "", x: 10, y: 10, width: 50, height: 20, style: { fill: "#fff" } }]]),
};

describe("uniqueCopyName", () => {
  it("numbers from the name's stem and never reuses a taken name", () => {
    const taken = new Set(["r1", "r2", "host"]);
    expect(uniqueCopyName("r1", taken)).toBe("r3");
    expect(uniqueCopyName("r1", taken)).toBe("r4");
    expect(uniqueCopyName("host", taken)).toBe("host1");
    expect(uniqueCopyName("42", new Set())).toBe("node1");
  });
});

describe("clipboard", () => {
  it("copies the links whose both ends are copied, and nothing else", () => {
    const copy = copyOf({ nodes: ["a", "b"], links: [], annotations: ["t"] }, store);
    expect(copy.nodes.map((n) => n.name)).toEqual(["r1", "r2"]);
    expect(copy.links.map((l) => l.id)).toEqual(["l1"]);
    expect(copy.annotations).toHaveLength(1);
    expect(isEmpty(copy)).toBe(false);
    expect(isEmpty(copyOf({ nodes: [], links: ["l1"] }, store))).toBe(true);
  });

  it("plans unique names, shifted positions and links by the copied ids", () => {
    const copy = copyOf({ nodes: ["a", "b"], links: [] }, store);
    const plan = pastePlan(copy, [...store.nodes.values()].map((n) => n.name), { x: 40, y: 20 });
    expect(plan.nodes.map((n) => n.body.name)).toEqual(["r3", "r4"]);
    expect(plan.nodes[0].body).toEqual({ name: "r3", template: "t", x: 40, y: 20, environment: { K: "v" } });
    expect(plan.links).toEqual([
      { body: { a: { node: "a", port: "eth0" }, b: { node: "b", port: "eth1" }, impairment: { a_to_b: { delay_ms: 3 } } } },
    ]);
  });
});
