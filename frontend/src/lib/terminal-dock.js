/**
 * The terminal dock: one tab per open node console, each an xterm.js terminal on the console websocket.
 *
 * Division of labour: a control console is bytes both ways (binary frames), plus a JSON text frame
 * {"resize":[cols,rows]} whenever the fit addon changes the terminal's size, so the PTY in the node wraps lines
 * where xterm does. A watch console (read-only) sends nothing: it takes the watched PTY's size from the server
 * and shows "watching (read-only)" on its tab. The dock only opens, switches and closes tabs; what the frames
 * and close codes mean is lib/console-protocol.js; who may open which node is the server's decision.
 * The page tells the dock when a node's status changes (`nodeStatus`): a tab then says "stopped", and reconnects
 * by itself when its node is started again. A page may offer to pop a console out into a window of its own.
 */

import "../styles/terminals.css";
import { closeReason, parseServerText, typistsBanner } from "./console-protocol.js";
import { h } from "./dom-builder.js";

// xterm.js is loaded with the first console, so opening a page does not parse it (it is a third of the JS).
let xtermModules = null;
function loadXterm() {
  xtermModules ??= Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit"), import("@xterm/xterm/css/xterm.css")]);
  return xtermModules;
}

const MODE_LABELS = { control: "", watch: "watching (read-only)", takeover: "taken over: close to give back" };
export const SCROLLBACK_LINES = 10000;

class ConsoleTab {
  constructor(dock, node, url, mode, { Terminal, FitAddon }) {
    this.dock = dock;
    this.nodeId = node.id;
    this.nodeName = node.name;
    this.mode = mode;
    this.readOnly = mode === "watch";
    this.followsSize = mode !== "control"; // watch and take-over show the owner's PTY at its own size
    this.encoder = new TextEncoder();
    this.button = h(
      "div",
      {
        className: "terminal-tab",
        role: "tab",
        dataset: { nodeId: node.id, mode },
        onclick: () => dock.activate(this.nodeId),
      },
      h("span", { className: "terminal-tab-name" }, node.label || node.name),
      MODE_LABELS[mode] ? h("span", { className: "terminal-mode" }, MODE_LABELS[mode]) : null,
      (this.stateLabel = h("span", { className: "terminal-state", hidden: true })),
      dock.popOut && !this.readOnly
        ? h(
            "button",
            {
              type: "button",
              className: "terminal-tab-popout",
              title: "Open in a window of its own",
              "aria-label": `pop out ${node.label || node.name} console`,
              onclick: (event) => {
                event.stopPropagation();
                dock.popOut({ ...node, id: this.nodeId, name: this.nodeName });
              },
            },
            "↗",
          )
        : null,
      h(
        "button",
        {
          type: "button",
          className: "terminal-tab-close",
          "aria-label": `close ${node.label || node.name} console`,
          onclick: (event) => {
            event.stopPropagation();
            dock.close(this.nodeId);
          },
        },
        "×",
      ),
    );
    this.pane = h("div", { className: "terminal-pane", role: "tabpanel", dataset: { nodeId: node.id, mode } });
    // Shown to a console's owner while someone else (a teacher who took over) types in it.
    this.banner = h("div", { className: "typists-banner", role: "status", hidden: true });
    this.pane.append(this.banner);
    this.terminal = new Terminal({
      cursorBlink: !this.readOnly,
      disableStdin: this.readOnly,
      fontSize: 13,
      fontFamily: "DejaVu Sans Mono, Menlo, Consolas, monospace",
      scrollback: SCROLLBACK_LINES,
      convertEol: false,
    });
    this.fit = new FitAddon();
    this.terminal.loadAddon(this.fit);
    // Ctrl-C stays the shell's interrupt: copy and paste are Ctrl-Shift-C / Ctrl-Shift-V, as in terminal emulators.
    this.terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === "KeyC" && this.terminal.hasSelection()) {
        navigator.clipboard?.writeText(this.terminal.getSelection()).catch(() => {});
        return false;
      }
      if (event.code === "KeyV" && !this.readOnly) {
        navigator.clipboard
          ?.readText()
          .then((text) => text && this.terminal.paste(text))
          .catch(() => {});
        return false;
      }
      return true;
    });
    this.url = url;
    this.watchedSize = null; // a watcher's terminal takes the size of the PTY it shows, not of its pane
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
      // A refusal (4404…) is sent after the socket opened: only bytes from a shell prove a session, and only
      // they give the tab its retries back. Counting from "open" made a refused reconnect loop for ever.
      if (typeof event.data === "string") this.receiveText(event.data);
      else {
        this.retries = 0;
        this.terminal.write(new Uint8Array(event.data));
      }
    });
    ws.addEventListener("close", (event) => {
      if (this.disposed || this.gone || ws !== this.ws) return;
      const again = this.readOnly ? "; it reconnects when the node starts" : "; press Enter to reconnect";
      this.terminal.write(`\r\n\x1b[33m[console closed: ${closeReason(event.code, this.mode)}${again}]\x1b[0m\r\n`);
      this.button.classList.add("closed");
      // Closed while the node is (still or again) running, e.g. a restart's stop and start both passed before
      // the old socket closed: try again shortly, a few times.
      if (this.status === "started" && (this.retries = (this.retries ?? 0) + 1) <= 3) {
        setTimeout(() => this.reconnectIfStarted(), 1500);
      }
    });
    if (!this.dataHooked && !this.readOnly) {
      this.dataHooked = true;
      this.terminal.onData((data) => {
        if (!this.ws || this.gone) return;
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.encoder.encode(data));
        else if (this.ws.readyState === WebSocket.CLOSED && data === "\r") {
          this.terminal.write("\r\n[reconnecting…]\r\n");
          this.connect();
        }
      });
      this.terminal.onResize(() => this.sendSize());
    }
  }

  /** The node's status changed: show "stopped" on the tab, reconnect when the node runs again. */
  setStatus(status) {
    const previous = this.status;
    this.status = status;
    const running = status === "started";
    this.stateLabel.hidden = running;
    this.stateLabel.textContent = running ? "" : status === "error" ? "failed" : status;
    this.button.classList.toggle("node-down", !running);
    if (running && previous && previous !== "started") {
      this.retries = 0;
      this.reconnectIfStarted();
    }
  }

  /**
   * The lab was reset: the node this tab was open on is gone and `node` (same name, new id) took its place. The
   * tab follows it: it says so once, and opens the new node's console when that node runs (now, or once started).
   */
  retarget(node, url) {
    const old = this.ws;
    this.ws = null; // the old socket's close is not news any more
    old?.close();
    this.nodeId = node.id;
    this.nodeName = node.name;
    this.url = url;
    this.button.dataset.nodeId = node.id;
    this.pane.dataset.nodeId = node.id;
    this.retries = 0;
    this.button.classList.add("closed");
    this.terminal.write(`\r\n\x1b[33m[the lab was reset: ${node.name} is a new node; this console opens it when it runs]\x1b[0m\r\n`);
    this.status = undefined;
    this.setStatus(node.status);
    this.reconnectIfStarted(); // already running: open it now (setStatus reconnects only on a change)
  }

  /** The node is gone for good (the lab was reset without it, or it was deleted): one line, no more reconnects. */
  end(why) {
    if (this.gone) return;
    this.gone = true;
    const old = this.ws;
    this.ws = null;
    old?.close();
    this.button.classList.add("closed");
    this.stateLabel.hidden = false;
    this.stateLabel.textContent = "gone";
    this.terminal.write(`\r\n\x1b[33m[console closed: ${why}]\x1b[0m\r\n`);
  }

  reconnectIfStarted() {
    if (this.disposed || this.gone || this.status !== "started") return;
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    this.terminal.write("\x1b[36m[node started: reconnecting…]\x1b[0m\r\n");
    this.connect();
  }

  receiveText(data) {
    const message = parseServerText(data);
    if (message.size) {
      this.watchedSize = message.size;
      this.terminal.resize(...message.size);
    }
    if (message.notice) this.terminal.write(`\x1b[36m[${message.notice}]\x1b[0m\r\n`);
    if (message.takeover) {
      const { by, active, typists } = message.takeover;
      this.banner.textContent = typistsBanner(typists);
      this.banner.hidden = !typists.length;
      this.terminal.write(`\x1b[36m[${by} ${active ? "joined this terminal and may type in it" : "gave this terminal back"}]\x1b[0m\r\n`);
    }
    if (message.text !== undefined) this.terminal.write(message.text);
  }

  sendSize() {
    if (this.followsSize) return; // the server ignores these resizes: the PTY is its owner's
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ resize: [this.terminal.cols, this.terminal.rows] }));
    }
  }

  mount() {
    this.terminal.open(this.pane);
    this.refit();
  }

  refit() {
    if (this.watchedSize) return;
    if (this.pane.offsetWidth && this.pane.offsetHeight) this.fit.fit();
  }

  dispose() {
    this.disposed = true;
    this.ws?.close();
    this.terminal.dispose();
    this.button.remove();
    this.pane.remove();
  }
}

export class TerminalDock {
  /**
   * @param {HTMLElement} container the dock (hidden while no console is open)
   * @param {(node: object, mode: string) => string} urlFor console websocket URL for a node in a mode
   * @param {{popOut?: (node: object) => void}} options popOut: offered on each tab (the page opens the window)
   */
  constructor(container, urlFor, options = {}) {
    this.container = container;
    this.urlFor = urlFor;
    this.popOut = options.popOut || null;
    this.tabs = new Map();
    this.tabBar = h("div", { className: "terminal-tabs", role: "tablist" });
    this.panes = h("div", { className: "terminal-panes" });
    container.replaceChildren(this.tabBar, this.panes);
    new ResizeObserver(() => this.active && this.active.refit()).observe(this.panes);
  }

  /**
   * Opens (or shows) a node's console. A node has one tab: opening it in the other mode replaces the tab, so
   * "take over" from a watch swaps the read-only view for a shell.
   * @param {{id: string, name: string, label?: string}} node
   * @param {{mode?: "control" | "watch"}} options
   */
  async open(node, { mode = "control" } = {}) {
    const [{ Terminal }, { FitAddon }] = await loadXterm();
    // Looked up after the await: a double-click may have opened this tab while xterm loaded.
    let tab = this.tabs.get(node.id);
    if (tab && tab.mode !== mode) {
      this.close(node.id);
      tab = null;
    }
    if (!tab) {
      tab = new ConsoleTab(this, node, this.urlFor(node, mode), mode, { Terminal, FitAddon });
      if (node.status) tab.status = node.status;
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

  /** Tells a node's tab (if any) that the node's status changed. */
  nodeStatus(nodeId, status) {
    this.tabs.get(nodeId)?.setStatus(status);
  }

  /**
   * After a lab was replaced (a teacher's reset), point each tab whose node is gone at the node of the same name in
   * `nodes` (a Map by id), or end it with one line when there is none. Tabs whose node remains are left alone.
   */
  followReplacement(nodes) {
    for (const [id, tab] of [...this.tabs]) {
      if (nodes.has(id)) continue;
      const successor = [...nodes.values()].find((n) => n.name === tab.nodeName);
      if (!successor || this.tabs.has(successor.id)) {
        tab.end(`${tab.nodeName} is no longer in this lab`);
        continue;
      }
      this.tabs.delete(id);
      this.tabs.set(successor.id, tab);
      tab.retarget(successor, this.urlFor(successor, tab.mode));
    }
  }

  /** Keeps tab names in step with renames. */
  rename(nodeId, name) {
    const tab = this.tabs.get(nodeId);
    if (tab) tab.nodeName = name;
    if (tab) tab.button.querySelector(".terminal-tab-name").textContent = name;
  }
}
