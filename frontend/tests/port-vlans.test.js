import { describe, expect, it } from "vitest";
import { linkElement } from "../src/lib/graph-elements.js";
import { LabStore } from "../src/lib/lab-store.js";
import { endLabel, portVlanText, vlansChanged } from "../src/lib/port-vlans.js";

const VLANS = { eth0: { access: 10 }, eth2: { trunk: [10, 20] } };

describe("port VLANs on link labels", () => {
  it("names an access port's VLAN and a trunk's list", () => {
    expect(portVlanText(VLANS, "eth0")).toBe("v10");
    expect(portVlanText(VLANS, "eth2")).toBe("trunk 10,20");
    expect(portVlanText(VLANS, "eth1")).toBe("");
    expect(portVlanText(undefined, "eth0")).toBe("");
    expect(portVlanText({ eth0: { trunk: [] } }, "eth0")).toBe("");
    expect(endLabel("eth0", { vlans: VLANS })).toBe("eth0 · v10");
    expect(endLabel("eth1", { vlans: VLANS })).toBe("eth1");
    expect(endLabel("eth0", undefined)).toBe("eth0");
  });

  it("puts the switch end's VLANs on the edge's label, the host end stays a port", () => {
    const nodes = new Map([
      ["sw", { id: "sw", kind: "bridge", vlans: VLANS }],
      ["h1", { id: "h1", kind: "docker", vlans: {} }],
    ]);
    const link = { id: "l", a: { node: "h1", port: "eth0" }, b: { node: "sw", port: "eth2" }, status: "up" };
    expect(linkElement(link, nodes).data).toMatchObject({ sourceLabel: "eth0", targetLabel: "eth2 · trunk 10,20" });
    expect(linkElement(link).data).toMatchObject({ sourceLabel: "eth0", targetLabel: "eth2" });
  });

  it("sees a node.updated that changes vlans, and the label follows the store's node", () => {
    const store = new LabStore();
    const link = { id: "l", a: { node: "sw", port: "eth0" }, b: { node: "h", port: "eth0" } };
    const sw = { id: "sw", name: "sw", vlans: { eth0: { access: 10 } } };
    store.applySnapshot({ type: "snapshot", seq: 1, project: { nodes: [sw, { id: "h", name: "h" }], links: [link] } });
    const changes = [];
    store.subscribe((change) => changes.push(change));
    expect(linkElement(link, store.nodes).data.sourceLabel).toBe("eth0 · v10");
    expect(store.linksOf("sw")).toEqual([link]); // what the canvas relabels

    store.applyEvent({ type: "node.updated", seq: 2, node: { id: "sw", vlans: { eth0: { access: 20 } } } });
    const updated = changes.at(-1);
    expect(updated.type).toBe("node.updated");
    expect(vlansChanged(updated.previous, store.nodes.get("sw"))).toBe(true);
    expect(linkElement(link, store.nodes).data.sourceLabel).toBe("eth0 · v20");

    store.upsertNode({ id: "sw", x: 5, y: 6 }); // a move keeps the vlans: no relabelling needed
    expect(vlansChanged(changes.at(-1).previous, store.nodes.get("sw"))).toBe(false);
  });
});
