/**
 * The project's events websocket kept open: feeds every message to the LabStore and asks for a resync on a gap.
 *
 * Division of labour: this module owns the socket's life (connect, reconnect with backoff, resync); the store
 * decides what a message means; views only watch the store and this socket's connection state.
 */

import { APPLIED, GAP } from "./lab-store.js";

/** ws:// or wss:// URL for a server path, on the page's own host. */
export function socketUrl(path, location = window.location) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}`;
}

export class EventsSocket {
  /**
   * @param {string} url full ws URL of /ws/projects/{p}/events/
   * @param {import("./lab-store.js").LabStore} store
   * @param {(state: string, detail?: string) => void} onState "connecting" | "open" | "closed"
   */
  constructor(url, store, onState = () => {}) {
    this.url = url;
    this.store = store;
    this.onState = onState;
    this.retryMs = 500;
    this.closedByUs = false;
    this.resyncs = 0;
    this.connect();
  }

  connect() {
    this.onState("connecting");
    // The server starts every connection with a snapshot: ignore anything before it.
    this.store.expectSnapshot();
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.retryMs = 500;
      this.onState("open");
    });
    ws.addEventListener("message", (event) => this.receive(event.data));
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      if (this.closedByUs) return this.onState("closed", "closed");
      if (event.code === 4403 || event.code === 4404) {
        return this.onState("closed", event.code === 4403 ? "you may not see this project" : "this project no longer exists");
      }
      this.onState("connecting", `connection lost (code ${event.code}); retrying`);
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not ours to interpret
    }
    const outcome = this.store.applyEvent(message);
    const snapshotDone = (message.type === "snapshot" || message.type === "snapshot.part") && outcome === APPLIED;
    if (snapshotDone && typeof performance !== "undefined") performance.mark("webgns-snapshot-received");
    if (outcome === GAP) this.resync();
  }

  resync() {
    this.resyncs += 1;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "resync" }));
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }
}
