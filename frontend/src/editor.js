/**
 * The editor page's entry: wires the store, the events socket, the canvas, the palette, the side panels, the
 * context menu, the toolbar and the terminal dock for the project named by the page.
 *
 * Division of labour: this file only connects parts. Gestures come from the canvas and panels, requests go
 * through LabActions, state comes back through the LabStore (REST answers and events alike), and each view
 * redraws from the store. Errors are shown beside what caused them (forms) or in the notice bar (gestures).
 */

import "./styles/base.css";
import "./styles/editor.css";

import { ApiClient } from "./lib/api-client.js";
import { disabledReasons, hostsForNodes } from "./lib/capabilities.js";
import { consolePath } from "./lib/console-protocol.js";
import { EventsSocket, socketUrl } from "./lib/events-socket.js";
import { freeSpot } from "./lib/free-spot.js";
import { LabStore } from "./lib/lab-store.js";
import { nextNodeName } from "./lib/node-names.js";
import { freePorts, linkRequest, NoFreePortError } from "./lib/ports.js";
import { TerminalDock } from "./lib/terminal-dock.js";
import { LabCanvas } from "./editor/canvas.js";
import { ContextMenu } from "./editor/context-menu.js";
import { LabActions } from "./editor/lab-actions.js";
import { LinkForm } from "./editor/link-form.js";
import { NodeConfig } from "./editor/node-config.js";
import { NodePanel } from "./editor/node-panel.js";
import { Notices } from "./editor/notices.js";
import { Palette } from "./editor/palette.js";
import { askPorts } from "./editor/port-prompt.js";

const $ = (id) => document.getElementById(id);

class Editor {
  constructor(config) {
    this.projectId = config.projectId;
    this.api = new ApiClient(config.apiBase || "/api");
    this.store = new LabStore();
    this.notices = new Notices($("notices"));
    this.actions = new LabActions(this.api, this.projectId, this.store, (m) => this.notices.error(m));
    this.hosts = [];
    this.inspected = null; // {kind, id, view}
    this.canvas = new LabCanvas(
      $("canvas"),
      this.store,
      {
        moved: (moves) => this.actions.moveNodes(moves),
        linkDrawn: (a, b) => this.linkNodes(a, b),
        dropTemplate: (templateId, position) => this.addNode(this.palette.template(templateId), position),
        select: (target) => this.inspect(target),
        contextMenu: (target) => this.showMenu(target),
        open: (nodeId) => this.openConsole(nodeId),
      },
      { webgl: new URLSearchParams(window.location.search).get("renderer") === "webgl" },
    );
    this.palette = new Palette($("palette-items"), (template) => this.addNode(template, null));
    this.menu = new ContextMenu();
    this.terminals = new TerminalDock($("terminals"), (node, mode) =>
      socketUrl(consolePath(this.projectId, node.id, mode)),
    );
    this.store.subscribe((change) => this.onStoreChange(change));
    this.socket = new EventsSocket(socketUrl(`/ws/projects/${this.projectId}/events/`), this.store, (state, detail) =>
      this.showConnection(state, detail),
    );
    this.bindToolbar();
    this.bindKeys();
    this.loadProject();
    this.loadTemplates();
    this.loadCapabilities();
    window.webgns = this; // a handle for tests and for debugging from the console
  }

  /**
   * The project's name before the snapshot arrives, and a clear message when it cannot be opened. When the
   * events socket has brought no snapshot after a few seconds, the lab is read through REST so the editor
   * still works (without live updates) while the socket retries.
   */
  async loadProject() {
    try {
      const project = await this.api.get(`/projects/${this.projectId}/`);
      if (!this.store.project) this.showProjectName(project.name);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      if (this.store.awaitingSnapshot) {
        const [nodes, links] = await Promise.all([
          this.api.list(`/projects/${this.projectId}/nodes/`),
          this.api.list(`/projects/${this.projectId}/links/`),
        ]);
        this.store.loadWithoutSnapshot(project, nodes, links);
      }
    } catch (error) {
      this.notices.error(
        error.status === 404 ? "This project does not exist, or you may not open it." : `The project could not be loaded: ${error.message}`,
      );
    }
  }

  showProjectName(name) {
    $("project-name").textContent = name;
    document.title = `${name} · webgns`;
  }

  async loadTemplates() {
    try {
      this.palette.show(await this.api.list("/templates/"));
    } catch (error) {
      this.palette.showError(error.message);
    }
  }

  async loadCapabilities() {
    try {
      const data = await this.api.get("/compute/");
      this.hosts = data.hosts || [];
    } catch {
      // Without capabilities nothing is disabled up front; the server still refuses what it cannot do.
      this.hosts = [];
    }
    if (this.inspected?.kind === "link") this.inspect(this.inspected);
  }

  showConnection(state, detail) {
    const el = $("connection-state");
    el.dataset.state = state;
    el.textContent = state === "open" ? "live" : detail || state;
    el.title = detail || "";
  }

  onStoreChange(change) {
    if (change.type === "reset" || change.type === "project") {
      this.showProjectName(this.store.project?.name || "");
      $("canvas").dataset.ready = "true";
    }
    if (change.type.startsWith("operation")) this.showOperations(change);
    if (change.type === "node.updated" && change.previous && this.store.nodes.get(change.id)?.name !== change.previous.name) {
      this.terminals.rename(change.id, this.store.nodes.get(change.id).name);
    }
    this.refreshInspector(change);
  }

  showOperations(change) {
    const el = $("operation-state");
    const ops = [...this.store.operations.values()];
    el.textContent = ops.map((op) => `${op.kind || "operation"} ${op.done ?? 0}/${op.total ?? "?"}`).join(", ");
    const op = change.operation;
    if (change.type === "operation.done" && op) {
      if (op.status === "error" || op.error) this.notices.error(`${op.kind || "operation"} failed: ${op.error || op.status}`);
      else this.notices.info(`${op.kind || "operation"} done`);
    }
  }

  refreshInspector(change) {
    const current = this.inspected;
    if (!current) return;
    if (change.type === "reset") return this.inspect(current);
    if (change.id === current.id || (current.kind === "node" && change.type.startsWith("link"))) current.view.update();
  }

  inspect(target) {
    const container = $("inspector");
    if (!target) {
      this.inspected = null;
      container.replaceChildren();
      container.append(Object.assign(document.createElement("p"), { className: "muted", textContent: "Select a node or a link." }));
      return;
    }
    let view;
    if (target.kind === "node") {
      if (!this.store.nodes.has(target.id)) return this.inspect(null);
      view = new NodePanel(
        container,
        this.store,
        {
          rename: (id, name) => this.actions.renameNode(id, name),
          action: (id, action) => this.actions.nodeAction(id, action),
          open: (id) => this.openConsole(id),
          remove: (id) => this.actions.deleteNode(id),
          configure: (slot, node) =>
            new NodeConfig(slot, { api: this.api, projectId: this.projectId, template: this.palette.template(node.template) }, node.id),
        },
        target.id,
      );
    } else {
      const link = this.store.links.get(target.id);
      if (!link) return this.inspect(null);
      const hosts = hostsForNodes(this.hosts, [this.store.nodes.get(link.a.node), this.store.nodes.get(link.b.node)]);
      view = new LinkForm(
        container,
        this.store,
        { submit: (id, body) => this.actions.setImpairment(id, body), remove: (id) => this.actions.deleteLink(id) },
        target.id,
        disabledReasons(hosts),
      );
    }
    this.inspected = { ...target, view };
  }

  async addNode(template, position) {
    if (!template) return;
    const taken = [...this.store.nodes.values()].map((n) => n.name);
    const occupied = [...this.store.nodes.values()].map((n) => ({ x: n.x, y: n.y }));
    const at = position || freeSpot(this.canvas.centre(), occupied);
    const name = nextNodeName(template.name, taken);
    try {
      const node = await this.actions.createNode(template, name, at);
      this.canvas.select(node.id);
      this.inspect({ kind: "node", id: node.id });
    } catch (error) {
      this.notices.error(`could not add ${name}: ${error.message}`);
    }
  }

  async linkNodes(sourceId, targetId) {
    const a = this.store.nodes.get(sourceId);
    const b = this.store.nodes.get(targetId);
    if (!a || !b) return;
    const links = [...this.store.links.values()];
    const freeA = freePorts(a, links);
    const freeB = freePorts(b, links);
    try {
      if (!freeA.length) throw new NoFreePortError(a);
      if (!freeB.length) throw new NoFreePortError(b);
      let choice = {};
      if ($("ask-ports").checked && (freeA.length > 1 || freeB.length > 1)) {
        choice = await askPorts(a, freeA, b, freeB);
        if (!choice) return;
      }
      const link = await this.actions.createLink(linkRequest(a, b, links, choice));
      this.canvas.select(link.id);
      this.inspect({ kind: "link", id: link.id });
    } catch (error) {
      this.notices.error(`could not link ${a.name} and ${b.name}: ${error.message}`);
    }
  }

  openConsole(nodeId) {
    const node = this.store.nodes.get(nodeId);
    if (!node) return;
    if (node.kind && node.kind !== "docker") {
      this.notices.error(`${node.name} is a ${node.kind} switch: it has no console`);
      return;
    }
    if (node.status !== "started") {
      this.notices.error(`${node.name} is ${node.status}: start it to open its console`);
      return;
    }
    this.terminals.open(node);
  }

  showMenu(target) {
    if (target.kind === "node") {
      const node = this.store.nodes.get(target.id);
      if (!node) return;
      const running = node.status === "started";
      this.menu.show(
        [
          { label: "Start", action: () => this.actions.nodeAction(node.id, "start"), disabled: running },
          { label: "Stop", action: () => this.actions.nodeAction(node.id, "stop"), disabled: !running },
          { label: "Restart", action: () => this.actions.nodeAction(node.id, "restart") },
          { label: "Console", action: () => this.openConsole(node.id), disabled: !running },
          {
            label: "Rename",
            action: () => {
              this.canvas.select(node.id);
              this.inspect({ kind: "node", id: node.id });
              this.inspected.view.focusName();
            },
          },
          { label: "Delete", action: () => this.actions.deleteNode(node.id) },
        ],
        target.clientX,
        target.clientY,
      );
    } else {
      this.menu.show(
        [
          {
            label: "Impairments…",
            action: () => {
              this.canvas.select(target.id);
              this.inspect({ kind: "link", id: target.id });
            },
          },
          { label: "Delete", action: () => this.actions.deleteLink(target.id) },
        ],
        target.clientX,
        target.clientY,
      );
    }
  }

  deleteSelection() {
    const selected = this.canvas.selected();
    if (!selected.length) return;
    this.actions.deleteMany({ nodes: selected.nodes().map((n) => n.id()), links: selected.edges().map((e) => e.id()) });
    this.inspect(null);
  }

  setLinkMode(on) {
    this.canvas.setLinkMode(on);
    const button = $("btn-link-mode");
    button.setAttribute("aria-pressed", String(on));
    button.classList.toggle("active", on);
  }

  bindToolbar() {
    $("btn-start-all").addEventListener("click", () => this.actions.labAction("start"));
    $("btn-stop-all").addEventListener("click", () => this.actions.labAction("stop"));
    $("btn-link-mode").addEventListener("click", () => this.setLinkMode(!this.canvas.linkMode));
    $("btn-delete").addEventListener("click", () => this.deleteSelection());
    $("btn-fit").addEventListener("click", () => this.canvas.fit());
    const exportLink = $("btn-export");
    exportLink.href = this.actions.exportUrl();
  }

  bindKeys() {
    document.addEventListener("keydown", (event) => {
      const typing = event.target.closest("input, textarea, select, .xterm, dialog");
      if (typing) return;
      if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        this.deleteSelection();
      } else if (event.key === "l" || event.key === "L") {
        this.setLinkMode(!this.canvas.linkMode);
      } else if (event.key === "Escape") {
        this.setLinkMode(false);
      } else if (event.key === "f" || event.key === "F") {
        this.canvas.fit();
      }
    });
  }
}

const config = $("editor-config").dataset;
new Editor({ projectId: config.projectId, apiBase: config.apiBase });
