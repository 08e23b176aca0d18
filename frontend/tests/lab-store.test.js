import { describe, expect, it } from "vitest";
import { APPLIED, GAP, LabStore, STALE, WAITING } from "../src/lib/lab-store.js";

const node = (id, extra = {}) => ({ id, name: id, status: "stopped", x: 0, y: 0, ports: [{ name: "eth0", link: null }], ...extra });
const link = (id, a, b) => ({ id, a: { node: a, port: "eth0" }, b: { node: b, port: "eth0" }, status: "down", impairment: {} });
const snapshot = (seq, nodes = [], links = []) => ({ type: "snapshot", seq, project: { id: "p", name: "lab", nodes, links } });

describe("LabStore", () => {
  it("ignores events until the first snapshot", () => {
    const store = new LabStore();
    expect(store.applyEvent({ type: "node.created", seq: 1, node: node("n1") })).toBe(WAITING);
    expect(store.nodes.size).toBe(0);
  });

  it("loads a snapshot and applies the next events in order", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(5, [node("n1")]));
    expect(store.seq).toBe(5);
    expect(store.project.name).toBe("lab");
    expect(store.applyEvent({ type: "node.created", seq: 6, node: node("n2") })).toBe(APPLIED);
    expect(store.applyEvent({ type: "node.updated", seq: 7, node: { id: "n1", status: "started" } })).toBe(APPLIED);
    expect(store.nodes.get("n1").status).toBe("started");
    expect(store.nodes.get("n1").name).toBe("n1"); // partial update merged, not replaced
    expect(store.seq).toBe(7);
  });

  it("ignores events already covered by the snapshot", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(5, [node("n1", { status: "started" })]));
    expect(store.applyEvent({ type: "node.updated", seq: 5, node: { id: "n1", status: "stopped" } })).toBe(STALE);
    expect(store.applyEvent({ type: "node.updated", seq: 3, node: { id: "n1", status: "stopped" } })).toBe(STALE);
    expect(store.nodes.get("n1").status).toBe("started");
  });

  it("reports a gap, leaves state untouched and waits for a snapshot", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(1, [node("n1")]));
    expect(store.applyEvent({ type: "node.created", seq: 3, node: node("n3") })).toBe(GAP);
    expect(store.nodes.has("n3")).toBe(false);
    expect(store.seq).toBe(1);
    // Later events are not applied on top of a hole.
    expect(store.applyEvent({ type: "node.created", seq: 4, node: node("n4") })).toBe(WAITING);
    expect(store.applyEvent(snapshot(4, [node("n1"), node("n3"), node("n4")]))).toBe(APPLIED);
    expect([...store.nodes.keys()]).toEqual(["n1", "n3", "n4"]);
    expect(store.applyEvent({ type: "node.deleted", seq: 5, id: "n4" })).toBe(APPLIED);
    expect(store.nodes.has("n4")).toBe(false);
  });

  it("deleting a node drops its links", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(0, [node("a"), node("b"), node("c")], [link("l1", "a", "b"), link("l2", "b", "c")]));
    const seen = [];
    store.subscribe((c) => seen.push(`${c.type}:${c.id}`));
    store.applyEvent({ type: "node.deleted", seq: 1, id: "a" });
    expect([...store.links.keys()]).toEqual(["l2"]);
    expect(seen).toEqual(["link.deleted:l1", "node.deleted:a"]);
  });

  it("applies link events and tracks operations until done", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(0, [node("a"), node("b")]));
    store.applyEvent({ type: "link.created", seq: 1, link: link("l1", "a", "b") });
    store.applyEvent({ type: "link.updated", seq: 2, link: { id: "l1", status: "up" } });
    expect(store.links.get("l1").status).toBe("up");
    expect(store.links.get("l1").a.node).toBe("a");
    store.applyEvent({ type: "operation.progress", seq: 3, operation: { id: "o1", done: 1, total: 2 } });
    expect(store.operations.get("o1").done).toBe(1);
    store.applyEvent({ type: "operation.done", seq: 4, operation: { id: "o1", done: 2, total: 2 } });
    expect(store.operations.size).toBe(0);
    store.applyEvent({ type: "link.deleted", seq: 5, id: "l1" });
    expect(store.links.size).toBe(0);
    expect(store.linksOf("a")).toEqual([]);
  });

  it("tolerates unknown event types but still advances seq", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(0));
    expect(store.applyEvent({ type: "capture.started", seq: 1 })).toBe(APPLIED);
    expect(store.applyEvent({ type: "node.created", seq: 2, node: node("n") })).toBe(APPLIED);
    expect(store.seq).toBe(2);
  });

  it("expectSnapshot makes a reconnecting client ignore events until a new snapshot", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(0));
    store.expectSnapshot();
    expect(store.applyEvent({ type: "node.created", seq: 1, node: node("n") })).toBe(WAITING);
    store.applyEvent(snapshot(1, [node("n")]));
    expect(store.nodes.size).toBe(1);
  });

  it("merges REST responses without touching seq", () => {
    const store = new LabStore();
    store.applyEvent(snapshot(9, [node("n1")]));
    store.upsertNode({ id: "n1", x: 50, y: 60 });
    expect(store.nodes.get("n1")).toMatchObject({ x: 50, y: 60, name: "n1" });
    expect(store.seq).toBe(9);
  });

  it("takes a REST copy while no snapshot has come, and lets the snapshot replace it", () => {
    const store = new LabStore();
    expect(store.loadWithoutSnapshot({ id: "p", name: "lab" }, [node("old")], [])).toBe(true);
    expect(store.nodes.has("old")).toBe(true);
    expect(store.applyEvent({ type: "node.created", seq: 1, node: node("x") })).toBe(WAITING);
    store.applyEvent(snapshot(3, [node("new")]));
    expect([...store.nodes.keys()]).toEqual(["new"]);
    // Once live, a late REST copy must not overwrite newer state.
    expect(store.loadWithoutSnapshot({ id: "p" }, [], [])).toBe(false);
    expect(store.nodes.has("new")).toBe(true);
  });

  it("assembles a snapshot sent in parts and applies it only when the last part has come", () => {
    const store = new LabStore();
    const seen = [];
    store.subscribe((c) => seen.push(c.type));
    const first = { type: "snapshot", seq: 4, project: { id: "p", name: "big", nodes: [node("a")], links: [] }, more: true };
    expect(store.applyEvent(first)).toBe(WAITING);
    expect(store.applyEvent({ type: "snapshot.part", seq: 4, nodes: [node("b"), node("c")], links: [], more: true })).toBe(WAITING);
    expect(store.nodes.size).toBe(0);
    expect(seen).toEqual([]);
    const last = { type: "snapshot.part", seq: 4, nodes: [], links: [link("l1", "a", "b")], more: false };
    expect(store.applyEvent(last)).toBe(APPLIED);
    expect([...store.nodes.keys()]).toEqual(["a", "b", "c"]);
    expect([...store.links.keys()]).toEqual(["l1"]);
    expect(store.project).toEqual({ id: "p", name: "big" });
    expect(store.seq).toBe(4);
    expect(seen).toEqual(["reset"]);
    expect(store.applyEvent({ type: "node.created", seq: 5, node: node("d") })).toBe(APPLIED);
  });

  it("ignores parts of a snapshot it did not see begin, and restarts on a new one", () => {
    const store = new LabStore();
    expect(store.applyEvent({ type: "snapshot.part", seq: 2, nodes: [node("x")], links: [], more: false })).toBe(WAITING);
    store.applyEvent({ type: "snapshot", seq: 2, project: { id: "p", nodes: [node("a")], links: [] }, more: true });
    store.expectSnapshot(); // reconnected before the rest arrived
    expect(store.applyEvent({ type: "snapshot.part", seq: 2, nodes: [node("b")], links: [], more: false })).toBe(WAITING);
    expect(store.applyEvent({ type: "snapshot", seq: 3, project: { id: "p", nodes: [node("c")], links: [] }, more: false })).toBe(APPLIED);
    expect([...store.nodes.keys()]).toEqual(["c"]);
  });
});

describe("link.stats", () => {
  it("is passed on without a seq and never counts as a gap", () => {
    const store = new LabStore();
    store.applyEvent({ type: "snapshot", seq: 4, project: { id: "p", nodes: [], links: [] } });
    const seen = [];
    store.subscribe((change) => seen.push(change));
    expect(store.applyEvent({ type: "link.stats", links: { l1: { a_to_b: { bps: 8 }, b_to_a: { bps: 0 } } } })).toBe(APPLIED);
    expect(store.seq).toBe(4);
    expect(seen).toEqual([{ type: "link.stats", links: { l1: { a_to_b: { bps: 8 }, b_to_a: { bps: 0 } } } }]);
    expect(store.applyEvent({ type: "node.deleted", seq: 5, id: "x" })).toBe(APPLIED);
  });
});
