/**
 * The terminal dock: one tab per open node console, each an xterm.js terminal on the console websocket.
 *
 * Division of labour: a console is bytes both ways (binary frames), plus a JSON text frame {"resize":[cols,rows]}
 * whenever the fit addon changes the terminal's size, so the PTY in the node wraps lines where xterm does.
 * The dock only opens, switches and closes tabs; who may open which node is the server's decision (close codes).
 */

import { h } from "../lib/dom-builder.js";

// xterm.js is loaded with the first console, so opening the editor does not parse it (it is a third of the JS).
let xtermModules = null;
function loadXterm() {
  xtermModules ??= Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit"), import("@xterm/xterm/css/xterm.css")]);
  return xtermModules;
}

const CLOSE_REASONS = {
  4404: "the node is not running",
  4403: "you may not use this node's console",
};

class ConsoleTab {
  constructor(dock, node, url, { Terminal, FitAddon }) {
    this.dock = dock;
    this.nodeId = node.id;
    this.encoder = new TextEncoder();
    this.button = h(
      "div",
      { className: "terminal-tab", role: "tab", dataset: { nodeId: node.id }, onclick: () => dock.activate(node.id) },
      h("span", { className: "terminal-tab-name" }, node.name),
      h(
        "button",
        {
          type: "button",
          className: "terminal-tab-close",
          "aria-label": `close ${node.name} console`,
          onclick: (event) => {
            event.stopPropagation();
            dock.close(node.id);
          },
        },
        "×",
      ),
    );
    this.pane = h("div", { className: "terminal-pane", role: "tabpanel", dataset: { nodeId: node.id } });
    this.terminal = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      fontFamily: "DejaVu Sans Mono, Menlo, Consolas, monospace",
      scrollback: 5000,
      convertEol: false,
    });
    this.fit = new FitAddon();
    this.terminal.loadAddon(this.fit);
    this.url = url;
    this.connect();
  }

  connect() {
    const ws = new WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.sendSize();
      this.button.classList.remove("closed");
    });
    ws.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.terminal.write(event.data);
      else this.terminal.write(new Uint8Array(event.data));
    });
    ws.addEventListener("close", (event) => {
      const why = CLOSE_REASONS[event.code] || `connection closed (code ${event.code})`;
      this.terminal.write(`\r\n\x1b[33m[console closed: ${why}; press Enter to reconnect]\x1b[0m\r\n`);
      this.button.classList.add("closed");
    });
    if (!this.dataHooked) {
      this.dataHooked = true;
      this.terminal.onData((data) => {
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.encoder.encode(data));
        else if (this.ws.readyState === WebSocket.CLOSED && data === "\r") {
          this.terminal.write("\r\n[reconnecting…]\r\n");
          this.connect();
        }
      });
      this.terminal.onResize(() => this.sendSize());
    }
  }

  sendSize() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ resize: [this.terminal.cols, this.terminal.rows] }));
    }
  }

  mount() {
    this.terminal.open(this.pane);
    this.refit();
  }

  refit() {
    if (this.pane.offsetWidth && this.pane.offsetHeight) this.fit.fit();
  }

  dispose() {
    this.ws.close();
    this.terminal.dispose();
    this.button.remove();
    this.pane.remove();
  }
}

export class TerminalDock {
  /**
   * @param {HTMLElement} container the dock (hidden while no console is open)
   * @param {(nodeId: string) => string} urlFor console websocket URL for a node
   */
  constructor(container, urlFor) {
    this.container = container;
    this.urlFor = urlFor;
    this.tabs = new Map();
    this.tabBar = h("div", { className: "terminal-tabs", role: "tablist" });
    this.panes = h("div", { className: "terminal-panes" });
    container.replaceChildren(this.tabBar, this.panes);
    new ResizeObserver(() => this.active && this.active.refit()).observe(this.panes);
  }

  async open(node) {
    const [{ Terminal }, { FitAddon }] = await loadXterm();
    // Looked up after the await: a double-click may have opened this tab while xterm loaded.
    let tab = this.tabs.get(node.id);
    if (!tab) {
      tab = new ConsoleTab(this, node, this.urlFor(node.id), { Terminal, FitAddon });
      this.tabs.set(node.id, tab);
      this.tabBar.append(tab.button);
      this.panes.append(tab.pane);
      this.container.hidden = false;
      document.body.classList.add("with-terminals");
      tab.mount();
    }
    this.activate(node.id);
    return tab;
  }

  activate(nodeId) {
    for (const [id, tab] of this.tabs) {
      const on = id === nodeId;
      tab.button.classList.toggle("active", on);
      tab.button.setAttribute("aria-selected", String(on));
      tab.pane.hidden = !on;
      if (on) {
        this.active = tab;
        // The pane just became visible: size it now, then again after layout settles.
        requestAnimationFrame(() => {
          tab.refit();
          tab.terminal.focus();
        });
      }
    }
  }

  close(nodeId) {
    const tab = this.tabs.get(nodeId);
    if (!tab) return;
    tab.dispose();
    this.tabs.delete(nodeId);
    if (this.active === tab) this.active = null;
    const next = [...this.tabs.keys()].pop();
    if (next) this.activate(next);
    else {
      this.container.hidden = true;
      document.body.classList.remove("with-terminals");
    }
  }

  /** Keeps tab names in step with renames. */
  rename(nodeId, name) {
    const tab = this.tabs.get(nodeId);
    if (tab) tab.button.querySelector(".terminal-tab-name").textContent = name;
  }
}
