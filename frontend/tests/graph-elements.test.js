import { describe, expect, it } from "vitest";
import { changedData, linkElement, nodeElement, statusText } from "../src/lib/graph-elements.js";

describe("graph elements", () => {
  it("maps a node's status and error", () => {
    const el = nodeElement({ id: "n", name: "r1", status: "error", error: "image missing", x: 3, y: "4", kind: "docker" });
    expect(el.data).toMatchObject({ id: "n", label: "r1", status: "error", error: "image missing" });
    expect(el.position).toEqual({ x: 3, y: 4 });
    expect(nodeElement({ id: "m", name: "m", status: "weird" }).data.status).toBe("stopped");
    expect(statusText({ status: "error" })).toBe("error: no reason given");
  });

  it("maps a link with port labels and reports changed data", () => {
    const link = { id: "l", a: { node: "n1", port: "eth0" }, b: { node: "n2", port: "eth3" }, status: "up", impairment: {} };
    const before = linkElement(link);
    expect(before.data).toMatchObject({ source: "n1", target: "n2", sourceLabel: "eth0", targetLabel: "eth3", impaired: "no" });
    const after = linkElement({ ...link, impairment: { a_to_b: { rate_kbps: 10 } } });
    expect(changedData(before, after)).toEqual({ impaired: "yes" });
  });
});

describe("nodeElement host badge", () => {
  it("puts the compute host under the name only when the lab spans hosts", () => {
    const node = { id: "n1", name: "r1", status: "started", compute_host: "b" };
    expect(nodeElement(node).data.label).toBe("r1");
    expect(nodeElement(node, { showHost: true }).data.label).toBe("r1\n@b");
    expect(nodeElement(node).data.host).toBe("b");
    expect(nodeElement({ ...node, compute_host: undefined }, { showHost: true }).data.label).toBe("r1");
  });
});
