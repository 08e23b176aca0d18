/**
 * The captures beside the canvas: one tab per capture with Wireshark's packet list as packets pass, a packet's
 * decoded layers and bytes on click, a display filter, Stop and Download .pcapng.
 *
 * Division of labour: DOM and sockets. Merging batches, paths, colours and the hex dump are lib/capture-list.js;
 * decoding is the server's (tshark). Each tab holds one socket `ws/projects/{p}/captures/{c}/`, reopened with
 * `?from=<last packet>` after a drop and with `?filter=` when the display filter changes.
 */

import "../styles/captures.css";

import { h } from "../lib/dom-builder.js";
import {
  captureApiPath,
  captureSocketPath,
  formatTime,
  hexDump,
  mergePackets,
  protocolClass,
  statusText,
} from "../lib/capture-list.js";
import { socketUrl } from "../lib/events-socket.js";
import { askCapture } from "./capture-dialog.js";

const COLUMNS = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"]; // Wireshark's default list
const ROW_RENDER_LIMIT = 5000; // rows in the DOM; older ones scroll out (the full list is in the .pcapng)

export class CapturePanel {
  /**
   * @param {HTMLElement} container the pane's place (the editor's middle column, under the canvas and terminals)
   * @param {import("../lib/api-client.js").ApiClient} api
   * @param {string} projectId
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {(message: string) => void} error
   */
  constructor(container, api, projectId, store, error) {
    this.api = api;
    this.projectId = projectId;
    this.store = store;
    this.error = error;
    this.tabs = new Map();
    this.tabBar = h("div", { className: "capture-tabs", role: "tablist" });
    this.body = h("div", { className: "capture-body" });
    this.el = h("section", { className: "captures", id: "captures", hidden: true, "aria-label": "captures" }, this.tabBar, this.body);
    container.append(this.el);
  }

  endNames(link) {
    const name = (end) => `${this.store.nodes.get(end.node)?.name || "?"} ${end.port}`;
    return { a: name(link.a), b: name(link.b) };
  }

  /** Right-click → Capture…: asks for the end and filter, starts it, opens its tab. */
  async start(linkId) {
    const link = this.store.links.get(linkId);
    if (!link) return;
    const capture = await askCapture(this.endNames(link), (body) =>
      this.api.post(`/projects/${this.projectId}/links/${linkId}/captures/`, body),
    );
    if (capture) this.open(capture);
  }

  open(capture) {
    if (!this.tabs.has(capture.id)) {
      const tab = new CaptureTab(this, capture);
      this.tabs.set(capture.id, tab);
      this.tabBar.append(tab.tabButton);
      this.body.append(tab.el);
    }
    this.show(capture.id);
  }

  show(id) {
    for (const [tabId, tab] of this.tabs) tab.setActive(tabId === id);
    this.el.hidden = this.tabs.size === 0;
  }

  close(id) {
    const tab = this.tabs.get(id);
    if (!tab) return;
    tab.dispose();
    this.tabs.delete(id);
    const next = [...this.tabs.keys()].pop();
    if (next) this.show(next);
    else this.el.hidden = true;
  }
}

class CaptureTab {
  constructor(panel, capture) {
    this.panel = panel;
    this.capture = capture;
    this.packets = [];
    this.filter = "";
    this.retryMs = 500;
    this.selectedNo = null;
    this.title = h("span", {}, capture.interface?.split(" (")[0] || `capture ${capture.id.slice(0, 8)}`);
    this.tabButton = h(
      "div",
      { className: "capture-tab", role: "tab", dataset: { capture: capture.id } },
      h("button", { type: "button", className: "tab-title", onclick: () => panel.show(capture.id) }, this.title),
      h("button", { type: "button", className: "tab-close", title: "Close this tab (the capture goes on until stopped)", onclick: () => panel.close(capture.id) }, "×"),
    );
    this.status = h("span", { className: "capture-status", "data-status": capture.status });
    this.filterInput = h("input", { type: "text", name: "display-filter", placeholder: "display filter, e.g. icmp.type == 8", size: 28 });
    this.filterError = h("div", { className: "field-error", "data-for": "display-filter" });
    this.stopButton = h("button", { type: "button", className: "danger", onclick: () => this.stop() }, "Stop");
    this.download = h("a", { className: "button", download: `capture-${capture.id.slice(0, 8)}.pcapng`, title: "The whole capture, for Wireshark" }, "Download .pcapng");
    this.download.href = `/api${captureApiPath(panel.projectId, capture)}pcapng`;
    this.rows = h("tbody", {});
    this.list = h(
      "div",
      { className: "packet-list" },
      h(
        "table",
        {},
        h("colgroup", {}, COLUMNS.map((t) => h("col", { className: `col-${t.toLowerCase().replace(".", "")}` }))),
        h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", {}, t)))),
        this.rows,
      ),
    );
    this.detail = h("div", { className: "packet-detail" }, h("p", { className: "muted" }, "Click a packet to see its layers and bytes."));
    this.el = h(
      "div",
      { className: "capture-view", role: "tabpanel", dataset: { capture: capture.id } },
      h(
        "div",
        { className: "capture-toolbar" },
        h(
          "form",
          { className: "display-filter", onsubmit: (event) => this.applyFilter(event) },
          this.filterInput,
          h("button", { type: "submit" }, "Apply"),
        ),
        this.stopButton,
        this.download,
      ),
      this.filterError,
      h("div", { className: "capture-meta" }, h("span", { className: "capture-filter" }, capture.filter ? `capture filter: ${capture.filter}` : "no capture filter"), this.status),
      this.list,
      this.detail,
    );
    this.renderStatus();
    this.connect();
  }

  setActive(active) {
    this.el.hidden = !active;
    this.tabButton.classList.toggle("active", active);
  }

  connect() {
    const last = this.packets.length ? this.packets[this.packets.length - 1].no : 0;
    const path = captureSocketPath(this.panel.projectId, this.capture.id, { from: last, filter: this.filter });
    const ws = new WebSocket(socketUrl(path));
    this.ws = ws;
    ws.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws || this.disposed) return;
      if (event.code === 4400 && this.filter) {
        // The display filter was refused (its message is shown): show the whole list again.
        this.filter = "";
        this.packets = [];
        this.rows.replaceChildren();
        this.connect();
        return;
      }
      if (event.code >= 4400 && event.code < 4500) return; // refused: the message said why; nothing to retry
      if (this.capture.status === "stopped" || this.capture.status === "error") return;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  receive(message) {
    if (message.type === "capture") {
      this.capture = message.capture;
      this.renderStatus();
    } else if (message.type === "packets") {
      this.retryMs = 500;
      const before = this.packets.length ? this.packets[this.packets.length - 1].no : 0;
      this.packets = mergePackets(this.packets, message.packets);
      this.appendRows(this.packets.filter((p) => p.no > before));
      this.renderStatus();
    } else if (message.type === "error") {
      if (message.field === "filter") this.filterError.textContent = message.detail;
      else this.panel.error(message.detail);
    }
  }

  appendRows(packets) {
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 4;
    const fragment = document.createDocumentFragment();
    for (const p of packets) {
      fragment.append(
        h(
          "tr",
          { className: protocolClass(p.protocol), dataset: { no: p.no }, onclick: () => this.showPacket(p.no) },
          h("td", {}, p.no),
          h("td", {}, formatTime(p.time)),
          h("td", { title: p.src }, p.src),
          h("td", { title: p.dst }, p.dst),
          h("td", {}, p.protocol),
          h("td", {}, p.length),
          h("td", { className: "info", title: p.info }, p.info),
        ),
      );
    }
    this.rows.append(fragment);
    while (this.rows.childElementCount > ROW_RENDER_LIMIT) this.rows.firstElementChild.remove();
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  renderStatus() {
    this.status.dataset.status = this.capture.status;
    this.status.textContent = statusText(this.capture, this.packets.length ? this.packets[this.packets.length - 1].no : 0);
    const active = ["starting", "running", "stopping"].includes(this.capture.status);
    this.stopButton.disabled = !active;
    this.tabButton.dataset.status = this.capture.status;
    this.download.href = `/api${captureApiPath(this.panel.projectId, this.capture)}pcapng`;
  }

  applyFilter(event) {
    event.preventDefault();
    this.filterError.textContent = "";
    this.filter = this.filterInput.value.trim();
    this.packets = [];
    this.rows.replaceChildren();
    clearTimeout(this.timer);
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
    this.connect();
  }

  async stop() {
    this.stopButton.disabled = true;
    try {
      const path = captureApiPath(this.panel.projectId, this.capture);
      this.capture = await this.panel.api.post(`${path}stop/`);
      this.renderStatus();
      // The socket says when it has stopped; ask too, in case the socket is down meanwhile.
      for (let i = 0; i < 30 && ["starting", "running", "stopping"].includes(this.capture.status); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (this.disposed) return;
        const latest = await this.panel.api.get(path);
        if (["starting", "running", "stopping"].includes(this.capture.status)) this.capture = latest;
        this.renderStatus();
      }
    } catch (error) {
      this.panel.error(`could not stop the capture: ${error.message}`);
      this.stopButton.disabled = false;
    }
  }

  async showPacket(no) {
    for (const row of this.rows.querySelectorAll("tr.selected")) row.classList.remove("selected");
    this.rows.querySelector(`tr[data-no="${no}"]`)?.classList.add("selected");
    this.selectedNo = no;
    this.detail.replaceChildren(h("p", { className: "muted" }, `Decoding packet ${no}…`));
    let packet;
    try {
      packet = await this.panel.api.get(`${captureApiPath(this.panel.projectId, this.capture)}packets/${no}/`);
    } catch (error) {
      this.detail.replaceChildren(h("p", { className: "field-error" }, `packet ${no}: ${error.message}`));
      return;
    }
    if (this.selectedNo !== no) return;
    const tree = h("div", { className: "layers" }, packet.layers.map((layer) => layerNode(layer, true)));
    const bytes = h("pre", { className: "hex-dump" }, hexDump(packet.bytes).join("\n"));
    this.detail.replaceChildren(h("h4", {}, `Packet ${no} · ${packet.length} bytes${packet.direction ? ` · ${packet.direction}` : ""}`), tree, bytes);
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
    this.el.remove();
    this.tabButton.remove();
  }
}

/** One layer or field of tshark's tree: a <details> when it has children, a line otherwise. */
function layerNode(node, open = false) {
  if (!node.children?.length) return h("div", { className: "field", dataset: { name: node.name } }, node.text);
  return h(
    "details",
    { open: open && node.name !== "frame", dataset: { name: node.name } },
    h("summary", {}, node.text),
    node.children.map((child) => layerNode(child)),
  );
}
