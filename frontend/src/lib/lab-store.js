/**
 * The editor's copy of one project's lab: nodes, links and annotations keyed by id, and the last event seq seen.
 *
 * Division of labour: this module is pure state. It applies the events socket's snapshot and
 * events (detecting seq gaps so the caller can ask for a resync), and merges what REST responses
 * return; it never touches the network or the DOM. Views subscribe and redraw what changed.
 */

/** What applyEvent decided about one message. */
export const APPLIED = "applied";
export const STALE = "stale"; // seq already covered by what we hold: ignored
export const GAP = "gap"; // events were missed: the caller must send {"type":"resync"}
export const WAITING = "waiting"; // a resync is pending: events are ignored until the snapshot

export class LabStore {
  constructor() {
    this.project = null;
    /** @type {Map<string, object>} */
    this.nodes = new Map();
    /** @type {Map<string, object>} */
    this.links = new Map();
    /** @type {Map<string, object>} text notes and shapes drawn behind the lab */
    this.annotations = new Map();
    /** @type {Map<string, object>} operations in progress, by id */
    this.operations = new Map();
    this.seq = null;
    this.awaitingSnapshot = true;
    /** A snapshot whose parts are still arriving ({"more": true}): {seq, project, nodes, links}. */
    this.pendingSnapshot = null;
    this.listeners = new Set();
  }

  /** Registers fn(change) called after every change; returns an unsubscribe function. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change) {
    for (const fn of this.listeners) fn(change);
  }

  /** Replaces everything with a snapshot message {"type":"snapshot","seq",project:{nodes,links,...}}. */
  applySnapshot(message) {
    const { nodes = [], links = [], annotations = [], ...project } = message.project || {};
    this.project = project;
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.links = new Map(links.map((l) => [l.id, l]));
    this.annotations = new Map(annotations.map((a) => [a.id, a]));
    this.seq = message.seq;
    this.awaitingSnapshot = false;
    this.emit({ type: "reset" });
  }

  /**
   * Fills the store from REST lists when no snapshot has come (the events socket is down). The store keeps
   * waiting for a snapshot, which replaces this copy and starts the event sequence.
   */
  loadWithoutSnapshot(project, nodes, links, annotations = []) {
    if (!this.awaitingSnapshot) return false;
    this.project = project;
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.links = new Map(links.map((l) => [l.id, l]));
    this.annotations = new Map(annotations.map((a) => [a.id, a]));
    this.emit({ type: "reset" });
    return true;
  }

  /**
   * Collects a snapshot sent in parts: {"type":"snapshot",...,"more":true} then {"type":"snapshot.part","seq",
   * "nodes","links","more"} until "more" is false. Returns the whole snapshot message once complete, else null.
   */
  collectSnapshot(message) {
    if (message.type === "snapshot") {
      const { nodes = [], links = [], ...project } = message.project || {};
      this.pendingSnapshot = { seq: message.seq, project, nodes: [...nodes], links: [...links] };
    } else {
      const pending = this.pendingSnapshot;
      if (!pending || pending.seq !== message.seq) return null; // a part of a snapshot we did not start
      pending.nodes.push(...(message.nodes || []));
      pending.links.push(...(message.links || []));
    }
    if (message.more) return null;
    const { seq, project, nodes, links } = this.pendingSnapshot;
    this.pendingSnapshot = null;
    return { type: "snapshot", seq, project: { ...project, nodes, links } };
  }

  /**
   * Applies one event message if it is the next in sequence.
   * Returns APPLIED, STALE, GAP or WAITING; on GAP the store is left as it was and waits for a snapshot.
   * A snapshot in parts is WAITING until its last part, then APPLIED.
   */
  applyEvent(message) {
    if (message.type === "snapshot" || message.type === "snapshot.part") {
      const whole = this.collectSnapshot(message);
      if (!whole) return WAITING;
      this.applySnapshot(whole);
      return APPLIED;
    }
    if (this.awaitingSnapshot) return WAITING;
    if (typeof message.seq === "number") {
      if (message.seq <= this.seq) return STALE;
      if (message.seq > this.seq + 1) {
        this.awaitingSnapshot = true;
        return GAP;
      }
      this.seq = message.seq;
    }
    this.applyChange(message);
    return APPLIED;
  }

  /** Asks the store to ignore events until the next snapshot (e.g. after a reconnect). */
  expectSnapshot() {
    this.awaitingSnapshot = true;
    this.pendingSnapshot = null;
  }

  applyChange(message) {
    switch (message.type) {
      case "node.created":
      case "node.updated":
        this.upsertNode(message.node);
        break;
      case "node.deleted":
        this.removeNode(message.id);
        break;
      case "link.created":
      case "link.updated":
        this.upsertLink(message.link);
        break;
      case "link.deleted":
        this.removeLink(message.id);
        break;
      case "annotation.created":
      case "annotation.updated":
        this.upsertAnnotation(message.annotation);
        break;
      case "annotation.deleted":
        this.removeAnnotation(message.id);
        break;
      case "operation.progress":
      case "operation.done":
        this.updateOperation(message.type, message.operation);
        break;
      case "link.stats":
        // A measurement (no seq, one a second): passed on to whoever draws load, never stored.
        this.emit({ type: "link.stats", links: message.links || {} });
        break;
      case "project.reset":
        // A teacher rebuilt the lab in place: the editor asks for a fresh snapshot (editor/classroom.js).
        this.emit({ type: "project.reset", by: message.by });
        break;
      case "project.updated":
        this.project = { ...this.project, ...message.project };
        this.emit({ type: "project" });
        break;
      default:
        // Unknown event kinds come from a newer server: ignore rather than break the editor.
        break;
    }
  }

  /** Adds or merges a node (from an event or a REST response). */
  upsertNode(node) {
    const previous = this.nodes.get(node.id);
    this.nodes.set(node.id, previous ? { ...previous, ...node } : node);
    this.emit({ type: previous ? "node.updated" : "node.created", id: node.id, previous });
  }

  removeNode(id) {
    if (!this.nodes.delete(id)) return;
    // The server deletes a node's links with it; drop them here too so no edge dangles.
    for (const [linkId, link] of this.links) {
      if (link.a.node === id || link.b.node === id) this.removeLink(linkId);
    }
    this.emit({ type: "node.deleted", id });
  }

  upsertLink(link) {
    const previous = this.links.get(link.id);
    this.links.set(link.id, previous ? { ...previous, ...link } : link);
    this.emit({ type: previous ? "link.updated" : "link.created", id: link.id, previous });
  }

  removeLink(id) {
    if (!this.links.delete(id)) return;
    this.emit({ type: "link.deleted", id });
  }

  upsertAnnotation(annotation) {
    if (!annotation || !annotation.id) return;
    const previous = this.annotations.get(annotation.id);
    this.annotations.set(annotation.id, previous ? { ...previous, ...annotation } : annotation);
    this.emit({ type: previous ? "annotation.updated" : "annotation.created", id: annotation.id, previous });
  }

  removeAnnotation(id) {
    if (!this.annotations.delete(id)) return;
    this.emit({ type: "annotation.deleted", id });
  }

  updateOperation(type, operation) {
    if (!operation || !operation.id) return;
    if (type === "operation.done") this.operations.delete(operation.id);
    else this.operations.set(operation.id, operation);
    this.emit({ type, operation });
  }

  /** Links attached to a node. */
  linksOf(nodeId) {
    return [...this.links.values()].filter((l) => l.a.node === nodeId || l.b.node === nodeId);
  }
}
