import { describe, expect, it } from "vitest";
import { commands, linkBody, nodeBody } from "../src/editor/lab-commands.js";
import { IdMap, UndoStack } from "../src/editor/undo-stack.js";

/** A fake server: nodes and links by id, each creation under a fresh id, as the API does. */
function fakeActions() {
  let next = 100;
  const server = { nodes: new Map(), links: new Map(), calls: [] };
  const actions = {
    server,
    async createNodeFrom(body) {
      const node = { ...body, id: `n${next++}` };
      server.nodes.set(node.id, node);
      server.calls.push(`create ${body.name}`);
      return node;
    },
    async removeNode(id) {
      if (!server.nodes.has(id)) throw new Error(`no node ${id}`);
      server.nodes.delete(id);
      for (const [lid, l] of server.links) if (l.a.node === id || l.b.node === id) server.links.delete(lid);
      server.calls.push(`delete ${id}`);
    },
    async createLink(body) {
      for (const side of ["a", "b"]) if (!server.nodes.has(body[side].node)) throw new Error(`no node ${body[side].node}`);
      const link = { ...body, id: `l${next++}` };
      server.links.set(link.id, link);
      return link;
    },
    async removeLink(id) {
      server.links.delete(id);
    },
    async renameNode(id, name) {
      server.nodes.get(id).name = name;
    },
    async moveNodesStrict(moves) {
      for (const m of moves) Object.assign(server.nodes.get(m.id), { x: m.x, y: m.y });
    },
    async setImpairment(id, body) {
      server.links.get(id).impairment = body.impairment;
    },
  };
  return actions;
}

describe("IdMap", () => {
  it("follows a chain of re-creations", () => {
    const ids = new IdMap();
    ids.alias("a", "b");
    ids.alias("a", "c"); // recorded as a, re-created again: a → b → c
    expect(ids.resolve("a")).toBe("c");
    expect(ids.resolve("b")).toBe("c");
    expect(ids.resolve("z")).toBe("z");
  });
});

describe("UndoStack", () => {
  it("undoes and redoes in order, and a new action clears redo", async () => {
    const log = [];
    const stack = new UndoStack();
    const cmd = (name) => ({ label: name, undo: async () => log.push(`undo ${name}`), redo: async () => log.push(`do ${name}`) });
    await stack.perform(cmd("a"));
    stack.record(cmd("b"));
    expect(stack.undoLabel).toBe("b");
    await stack.undo();
    await stack.undo();
    expect(stack.canUndo).toBe(false);
    expect(await stack.undo()).toBe(null);
    await stack.redo();
    expect(log).toEqual(["do a", "undo b", "undo a", "do a"]);
    stack.record(cmd("c"));
    expect(stack.canRedo).toBe(false);
  });

  it("keeps a command in place when its request fails", async () => {
    const stack = new UndoStack();
    let fail = true;
    stack.record({
      label: "x",
      undo: async () => {
        if (fail) throw new Error("refused");
      },
      redo: async () => {},
    });
    await expect(stack.undo()).rejects.toThrow("refused");
    expect(stack.canUndo).toBe(true);
    expect(stack.busy).toBe(false);
    fail = false;
    await stack.undo();
    expect(stack.canRedo).toBe(true);
  });

  it("refuses to run two commands at once", async () => {
    const stack = new UndoStack();
    let release;
    stack.record({ label: "slow", undo: () => new Promise((r) => (release = r)), redo: async () => {} });
    stack.record({ label: "other", undo: async () => {}, redo: async () => {} });
    const first = stack.redo(); // nothing to redo
    expect(await first).toBe(null);
    const pending = stack.undo();
    expect(stack.canUndo).toBe(false);
    await expect(stack.guard(async () => {})).rejects.toThrow("still running");
    release?.();
    await pending;
  });

  it("limits the history", () => {
    const stack = new UndoStack({ limit: 2 });
    for (const name of ["a", "b", "c"]) stack.record({ label: name, undo: async () => {}, redo: async () => {} });
    expect(stack.done.map((c) => c.label)).toEqual(["b", "c"]);
  });
});

describe("lab commands", () => {
  it("undoing a deletion rebuilds the node with its settings and links, and later commands follow the new id", async () => {
    const actions = fakeActions();
    const r1 = await actions.createNodeFrom({ name: "r1", template: "t", x: 1, y: 2, environment: { A: "1" }, startup: ["ip a"] });
    const r2 = await actions.createNodeFrom({ name: "r2", template: "t", x: 5, y: 5 });
    const link = await actions.createLink({ a: { node: r1.id, port: "eth0" }, b: { node: r2.id, port: "eth0" } });
    const stack = new UndoStack();
    stack.record(commands.renamed(actions, r1.id, "r0", "r1"));
    const node = { ...r1, status: "started", ports: [], kind: "docker" };
    await stack.perform(commands.deleted(actions, { nodes: [node], links: [link] }, "delete r1"));
    expect(actions.server.nodes.has(r1.id)).toBe(false);
    expect(actions.server.links.size).toBe(0);

    await stack.undo();
    const back = [...actions.server.nodes.values()].find((n) => n.name === "r1");
    expect(back.id).not.toBe(r1.id);
    expect(back.environment).toEqual({ A: "1" });
    expect(back.startup).toEqual(["ip a"]);
    expect(back.status).toBeUndefined(); // read-only fields are not sent
    const [restored] = actions.server.links.values();
    expect(restored.a.node).toBe(back.id);
    expect(restored.b.node).toBe(r2.id);

    await stack.undo(); // the rename recorded under the old id applies to the re-created node
    expect(back.name).toBe("r0");
    await stack.redo();
    await stack.redo(); // delete again, by its new id
    expect(actions.server.nodes.has(back.id)).toBe(false);
  });

  it("moves back and forth", async () => {
    const actions = fakeActions();
    const n = await actions.createNodeFrom({ name: "a", template: "t", x: 0, y: 0 });
    const stack = new UndoStack();
    stack.record(commands.moved(actions, [{ id: n.id, from: { x: 0, y: 0 }, to: { x: 40, y: 60 } }]));
    await stack.undo();
    expect([n.x, n.y]).toEqual([0, 0]);
    await stack.redo();
    expect([n.x, n.y]).toEqual([40, 60]);
  });

  it("undoes an impairment and a created link", async () => {
    const actions = fakeActions();
    const a = await actions.createNodeFrom({ name: "a", template: "t" });
    const b = await actions.createNodeFrom({ name: "b", template: "t" });
    const link = await actions.createLink({ a: { node: a.id, port: "eth0" }, b: { node: b.id, port: "eth0" } });
    const stack = new UndoStack();
    stack.record(commands.created(actions, { links: [link] }, "link"));
    stack.record(commands.impaired(actions, link.id, {}, { a_to_b: { delay_ms: 5 } }));
    await stack.undo();
    expect(actions.server.links.get(link.id).impairment).toEqual({});
    await stack.undo();
    expect(actions.server.links.size).toBe(0);
    await stack.redo();
    await stack.redo();
    const [again] = actions.server.links.values();
    expect(again.impairment).toEqual({ a_to_b: { delay_ms: 5 } });
  });

  it("builds request bodies from API objects", () => {
    expect(nodeBody({ id: "x", name: "a", template: "t", status: "started", ports: [], x: 0, y: 0, files: { "/f": "1" } })).toEqual({
      name: "a",
      template: "t",
      x: 0,
      y: 0,
      files: { "/f": "1" },
    });
    const link = { id: "l", a: { node: "1", port: "eth0" }, b: { node: "2", port: "eth1" }, impairment: {}, status: "up" };
    expect(linkBody(link, (id) => `new${id}`)).toEqual({ a: { node: "new1", port: "eth0" }, b: { node: "new2", port: "eth1" } });
  });
});
