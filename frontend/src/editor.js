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
import { setImpairmentRanges } from "./lib/impairment-fields.js";
import { exportFileName } from "./lib/export-name.js";
import { LabStore } from "./lib/lab-store.js";
import { nextNodeName } from "./lib/node-names.js";
import { freePorts, linkRequest, NoFreePortError } from "./lib/ports.js";
import { TerminalDock } from "./lib/terminal-dock.js";
import { LabCanvas } from "./editor/canvas.js";
import { CapturePanel } from "./editor/capture-panel.js";
import { ContextMenu } from "./editor/context-menu.js";
import { LabActions } from "./editor/lab-actions.js";
import { LinkForm } from "./editor/link-form.js";
import { LinkLoadView } from "./editor/link-load.js";
import { NodeConfig } from "./editor/node-config.js";
import { NodePanel } from "./editor/node-panel.js";
import { OperationGuard } from "./editor/operation-guard.js";
import { Notices } from "./editor/notices.js";
import { Palette } from "./editor/palette.js";
import { askPorts } from "./editor/port-prompt.js";
import { AnnotationPanel } from "./editor/annotation-panel.js";
import { newAnnotation } from "./editor/annotations.js";
import { doneSentence, progressSentence } from "./editor/operation-text.js";
import { copyOf, isEmpty, pastePlan } from "./editor/clipboard.js";
import { confirmDeletion } from "./editor/confirm-delete.js";
import { commands } from "./editor/lab-commands.js";
import { deletionPlan } from "./editor/selection.js";
import { Splitter } from "./editor/splitter.js";
import { UndoStack } from "./editor/undo-stack.js";
import { mountClassroom } from "./editor/classroom.js";

const $ = (id) => document.getElementById(id);

class Editor {
  constructor(config) {
    this.projectId = config.projectId;
    this.staff = config.staff === "1";
    this.api = new ApiClient(config.apiBase || "/api");
    this.store = new LabStore();
    this.notices = new Notices($("notices"));
    this.actions = new LabActions(this.api, this.projectId, this.store, (m) => this.notices.error(m));
    this.history = new UndoStack({ onChange: () => this.showHistory() });
    this.hosts = [];
    this.inspected = null; // {kind, id, view}
    this.canvas = new LabCanvas(
      $("canvas"),
      this.store,
      {
        moved: (moves) => this.moveNodes(moves),
        linkDrawn: (a, b) => this.linkNodes(a, b),
        dropTemplate: (templateId, position) => this.addNode(this.palette.template(templateId), position),
        select: (target) => this.inspect(target),
        contextMenu: (target) => this.showMenu(target),
        open: (nodeId) => this.openConsole(nodeId),
        annotationsMoved: (moves) => this.moveAnnotations(moves),
        annotationResized: (id, box) => this.changeAnnotation(id, box).catch((e) => this.notices.error(e.message)),
        editAnnotation: (id) => {
          this.canvas.select(id);
          this.inspect({ kind: "annotation", id });
          this.inspected?.view.focusText?.();
        },
      },
      { webgl: new URLSearchParams(window.location.search).get("renderer") === "webgl" },
    );
    this.palette = new Palette($("palette-items"), (template) => this.addNode(template, null));
    this.menu = new ContextMenu();
    this.terminals = new TerminalDock($("terminals"), (node, mode) => socketUrl(consolePath(this.projectId, node.id, mode)), {
      popOut: (node) => this.popOutConsole(node.id),
    });
    this.captures = new CapturePanel($("middle"), this.api, this.projectId, this.store, (m) => this.notices.error(m));
    this.bindSplitters();
    this.refitWhenPanesChange();
    this.linkLoad = new LinkLoadView(this.canvas, this.store);
    this.startGuard = new OperationGuard();
    this.store.subscribe((change) => this.onStoreChange(change));
    this.socket = new EventsSocket(socketUrl(`/ws/projects/${this.projectId}/events/`), this.store, (state, detail) =>
      this.showConnection(state, detail),
    );
    this.bindToolbar();
    this.bindKeys();
    this.loadProject();
    this.loadTemplates();
    this.loadCapabilities();
    mountClassroom(this); // a classroom lab's instructions, checks and reset notice, if any
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
        const [nodes, links, annotations] = await Promise.all([
          this.api.list(`/projects/${this.projectId}/nodes/`),
          this.api.list(`/projects/${this.projectId}/links/`),
          this.api.list(`/projects/${this.projectId}/annotations/`),
        ]);
        this.store.loadWithoutSnapshot(project, nodes, links, annotations);
      }
    } catch (error) {
      this.notices.error(
        error.status === 404 ? "This project does not exist, or you may not open it." : `The project could not be loaded: ${error.message}`,
      );
    }
  }

  showProjectName(name) {
    $("project-name").textContent = name;
    $("project-name").title = name;
    this.projectName = name;
    this.showExport();
    document.title = `${name} · webgns`;
  }

  async loadTemplates() {
    try {
      const templates = await this.api.list("/templates/");
      this.palette.show(templates);
      this.canvas.setTemplates(templates);
    } catch (error) {
      this.palette.showError(error.message);
    }
  }

  async loadCapabilities() {
    try {
      const data = await this.api.get("/compute/");
      this.hosts = data.hosts || [];
      setImpairmentRanges(data.impairment_ranges);
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
    if (change.type === "node.updated" || change.type === "node.created") {
      const node = this.store.nodes.get(change.id);
      if (node) this.terminals.nodeStatus(node.id, node.status);
    } else if (change.type === "reset") {
      for (const id of this.terminals.tabs.keys()) {
        const node = this.store.nodes.get(id);
        if (node) this.terminals.nodeStatus(id, node.status);
      }
      // A reset lab has new nodes: a console follows its node's successor of the same name, or ends.
      this.terminals.followReplacement(this.store.nodes);
    }
    if (change.type.startsWith("node") || change.type === "reset") this.refreshHostFilter();
    this.refreshInspector(change);
  }

  /** The host filter: shown once the lab spans two compute hosts; dims the nodes of the other hosts. */
  refreshHostFilter() {
    const select = $("host-filter");
    const hosts = [...this.canvas.labHosts()].sort();
    select.hidden = hosts.length < 2;
    const wanted = ["", ...hosts].join(",");
    if (select.dataset.hosts === wanted) return;
    select.dataset.hosts = wanted;
    const chosen = hosts.includes(select.value) ? select.value : "";
    select.replaceChildren(
      Object.assign(document.createElement("option"), { value: "", textContent: "all hosts" }),
      ...hosts.map((name) => Object.assign(document.createElement("option"), { value: name, textContent: `host ${name}` })),
    );
    select.value = chosen;
    this.canvas.showOnlyHost(chosen);
  }

  /**
   * The terminal dock, the side column and the captures are sized by dragging their edges. The canvas keeps at
   * least CANVAS_MIN_WIDTH × CANVAS_MIN_HEIGHT: each pane's maximum is what is left after the canvas and the
   * other panes. (Panes also shrink by themselves, down to their CSS minimum, when the window narrows.)
   */
  bindSplitters() {
    const CANVAS_MIN_WIDTH = 360;
    const CANVAS_MIN_HEIGHT = 160;
    const TERMINALS_MIN_WIDTH = 260;
    const width = (el) => (el.hidden ? 0 : el.getBoundingClientRect().width);
    const layout = document.querySelector(".editor-layout");
    this.terminalSplit = new Splitter($("terminals-handle"), $("terminals"), {
      side: "right",
      key: "webgns.editor.terminalsWidth",
      limits: () => ({ min: TERMINALS_MIN_WIDTH, max: width($("work-row")) - width($("terminals-handle")) - CANVAS_MIN_WIDTH }),
    });
    this.inspectorSplit = new Splitter($("inspector-handle"), $("side-column"), {
      side: "right",
      key: "webgns.editor.sideWidth",
      limits: () => ({
        min: 240,
        // What the middle needs: the canvas, and the terminals at their narrowest when they are open.
        max:
          width(layout) -
          width(document.querySelector(".palette")) -
          width($("inspector-handle")) -
          CANVAS_MIN_WIDTH -
          ($("terminals").hidden ? 0 : TERMINALS_MIN_WIDTH + width($("terminals-handle"))),
      }),
    });
    this.captureSplit = new Splitter($("captures-handle"), this.captures.el, {
      side: "bottom",
      key: "webgns.editor.capturesHeight",
      limits: () => ({ min: 200, max: $("middle").getBoundingClientRect().height - CANVAS_MIN_HEIGHT - 6 }),
    });
    window.addEventListener("resize", () => {
      this.terminalSplit.refresh();
      this.inspectorSplit.refresh();
      this.captureSplit.refresh();
    });
  }

  /**
   * When the terminals or the captures open or close, the canvas changes size: once the layout has settled,
   * the lab is fitted into what the canvas has now, so no node is left behind a pane.
   */
  refitWhenPanesChange() {
    let pending = false;
    const refit = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        this.terminalSplit?.refresh();
        this.captureSplit?.refresh();
        this.canvas.cy.resize();
        this.canvas.fit();
      });
    };
    const watcher = new MutationObserver(refit);
    for (const pane of [$("terminals"), this.captures.el]) watcher.observe(pane, { attributes: true, attributeFilter: ["hidden"] });
  }

  /** Opens a node's console in a window of its own and closes its tab here (one shell per user is enough). */
  popOutConsole(nodeId) {
    const url = `/projects/${this.projectId}/nodes/${nodeId}/terminal/`;
    const opened = window.open(url, `webgns-console-${nodeId}`, "popup,width=820,height=520");
    if (!opened) {
      this.notices.error("The browser blocked the console window: allow pop-ups for this site.");
      return;
    }
    this.terminals.close(nodeId);
  }

  /** Start every node; the button stays greyed until that start (or any other operation) is over. */
  async startAll() {
    this.startGuard.ask();
    this.refreshStartAll();
    let answer = null;
    try {
      answer = await this.actions.labAction("start");
    } finally {
      this.startGuard.answered(answer?.operation);
      this.refreshStartAll();
    }
  }

  refreshStartAll() {
    const button = $("btn-start-all");
    const busy = this.startGuard.busy(this.store.operations.size);
    button.disabled = busy;
    button.title = busy ? "An operation on this lab is under way" : "Start every node";
  }

  showOperations(change) {
    if (change.type === "operation.done" && change.operation) this.startGuard.finished(change.operation.id);
    this.refreshStartAll();
    const el = $("operation-state");
    const nameOf = (id) => this.store.nodes.get(id)?.name;
    const ops = [...this.store.operations.values()];
    el.textContent = ops.map((op) => progressSentence(op, nameOf)).join(" · ");
    el.title = el.textContent;
    const op = change.operation;
    if (change.type === "operation.done" && op) {
      const { error, text } = doneSentence(op, nameOf);
      if (error) this.notices.error(text);
      else this.notices.info(text);
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
    if (target.kind === "annotation") {
      if (!this.store.annotations.has(target.id)) return this.inspect(null);
      view = new AnnotationPanel(
        container,
        this.store,
        {
          change: (id, fields) => this.changeAnnotation(id, fields),
          remove: (id) => this.deleteElements({ nodes: [], links: [], annotations: [id] }),
        },
        target.id,
      );
    } else if (target.kind === "node") {
      if (!this.store.nodes.has(target.id)) return this.inspect(null);
      view = new NodePanel(
        container,
        this.store,
        {
          rename: (id, name) => this.renameNode(id, name),
          action: (id, action) => this.actions.nodeAction(id, action),
          open: (id) => this.openConsole(id),
          remove: (id) => this.deleteElements({ nodes: [id], links: [] }),
          configure: (slot, node) =>
            new NodeConfig(slot, { api: this.api, projectId: this.projectId, template: this.palette.template(node.template) }, node.id),
          ...(this.staff
            ? {
                hosts: () => this.hosts.filter((host) => host.status === "up").map((host) => host.name),
                move: (id, host) => this.actions.moveNode(id, host),
              }
            : {}),
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
        { submit: (id, body) => this.setImpairment(id, body), remove: (id) => this.deleteElements({ nodes: [], links: [id] }) },
        target.id,
        disabledReasons(hosts),
      );
      container.append(this.linkLoad.sparkline(target.id));
    }
    this.inspected = { ...target, view };
  }

  async addNode(template, position) {
    if (!template) return;
    // Adds still on their way to the server hold their name and spot: a quick second add (a drop
    // then a click) must not pick the same name and be refused.
    this.pendingAdds ||= new Map();
    const taken = [...this.store.nodes.values()].map((n) => n.name).concat([...this.pendingAdds.keys()]);
    const occupied = [...this.store.nodes.values()].map((n) => ({ x: n.x, y: n.y }))
      .concat([...this.pendingAdds.values()]);
    const at = position || freeSpot(this.canvas.centre(), occupied);
    const name = nextNodeName(template.name, taken);
    this.pendingAdds.set(name, at);
    try {
      const node = await this.actions.createNode(template, name, at);
      this.history.record(commands.created(this.actions, { nodes: [node] }, `add ${node.name}`));
      this.canvas.select(node.id);
      this.inspect({ kind: "node", id: node.id });
    } catch (error) {
      this.notices.error(`could not add ${name}: ${error.message}`);
    } finally {
      this.pendingAdds.delete(name);
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
      this.history.record(commands.created(this.actions, { links: [link] }, `link ${a.name} and ${b.name}`));
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
    this.terminals.open(node).then(() => {
      this.terminals.nodeStatus(node.id, node.status);
      this.terminalSplit.refresh();
    });
  }

  async addAnnotation(kind) {
    try {
      const annotation = await this.actions.createAnnotation(newAnnotation(kind, this.canvas.centre()));
      this.history.record(commands.created(this.actions, { annotations: [annotation] }, `add ${kind}`));
      this.canvas.select(annotation.id);
      this.inspect({ kind: "annotation", id: annotation.id });
      if (kind === "text") this.inspected?.view.focusText?.();
    } catch (error) {
      this.notices.error(`could not add the ${kind}: ${error.message}`);
    }
  }

  /** PATCHes an annotation's changed fields and records the change for undo; throws on refusal. */
  async changeAnnotation(id, fields, record = true) {
    const before = this.store.annotations.get(id);
    if (!before) return;
    const from = Object.fromEntries(Object.keys(fields).map((k) => [k, structuredClone(before[k])]));
    await this.actions.updateAnnotation(id, fields);
    const command = commands.annotationChanged(this.actions, id, from, structuredClone(fields));
    if (record) this.history.record(command);
    return command;
  }

  async moveAnnotations(moves) {
    const parts = [];
    for (const { id, x, y } of moves) {
      try {
        parts.push(await this.changeAnnotation(id, { x, y }, false));
      } catch (error) {
        this.notices.error(`could not move the annotation: ${error.message}`);
        const a = this.store.annotations.get(id);
        if (a) this.store.upsertAnnotation({ ...a }); // back where the server has it
      }
    }
    const done = parts.filter(Boolean);
    if (done.length) this.history.record(done.length === 1 ? done[0] : commands.group(`move ${done.length} annotations`, done));
  }

  showMenu(target) {
    if (target.kind === "annotation") {
      this.menu.show(
        [
          {
            label: "Edit…",
            action: () => {
              this.canvas.select(target.id);
              this.inspect({ kind: "annotation", id: target.id });
              this.inspected?.view.focusText?.();
            },
          },
          { label: "Delete", action: () => this.deleteElements({ nodes: [], links: [], annotations: [target.id] }) },
        ],
        target.clientX,
        target.clientY,
      );
      return;
    }
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
          { label: "Console in a window", action: () => this.popOutConsole(node.id), disabled: !running },
          {
            label: "Rename",
            action: () => {
              this.canvas.select(node.id);
              this.inspect({ kind: "node", id: node.id });
              this.inspected.view.focusName();
            },
          },
          {
            label: "Duplicate",
            action: () => {
              if (!this.canvas.selection().nodes.includes(node.id)) this.canvas.select(node.id);
              this.duplicate();
            },
          },
          { label: "Delete", action: () => this.deleteElements({ nodes: [node.id], links: [] }) },
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
          {
            label: "Capture…",
            action: () => this.captures.start(target.id).catch((error) => this.notices.error(error.message)),
            disabled: this.store.links.get(target.id)?.status !== "up",
            title: "Capture packets on one end of this link (the link must be up)",
          },
          { label: "Delete", action: () => this.deleteElements({ nodes: [], links: [target.id] }) },
        ],
        target.clientX,
        target.clientY,
      );
    }
  }

  deleteSelection() {
    const selection = this.canvas.selection();
    if (!selection.nodes.length && !selection.links.length && !selection.annotations.length) return;
    return this.deleteElements(selection);
  }

  /**
   * Deletes nodes, links and annotations; asks first when more than one element goes or a node is running.
   * What goes is copied beforehand so that undo can rebuild it.
   */
  async deleteElements(selection) {
    const plan = deletionPlan({ annotations: [], ...selection }, this.store);
    if (!plan.count) return;
    if (plan.ask && !(await confirmDeletion(plan))) return;
    const elements = {
      nodes: plan.nodes.map((n) => ({ ...n })),
      links: plan.links.map((l) => ({ ...l })),
      annotations: plan.annotations.map((a) => ({ ...a })),
    };
    const label = plan.count === 1 ? `delete ${plan.lines[0]}` : `delete ${plan.count} elements`;
    this.inspect(null);
    try {
      await this.history.perform(commands.deleted(this.actions, elements, label));
    } catch (error) {
      this.notices.error(`could not ${label}: ${error.message}`);
    }
  }

  async moveNodes(moves) {
    const recorded = moves
      .filter((m) => this.store.nodes.has(m.id))
      .map((m) => {
        const node = this.store.nodes.get(m.id);
        return { id: m.id, from: { x: node.x, y: node.y }, to: { x: m.x, y: m.y } };
      });
    const saved = new Set(await this.actions.moveNodes(moves));
    const done = recorded.filter((m) => saved.has(m.id));
    if (done.length) this.history.record(commands.moved(this.actions, done));
  }

  async renameNode(id, name) {
    const before = this.store.nodes.get(id)?.name;
    await this.actions.renameNode(id, name);
    if (before && before !== name) this.history.record(commands.renamed(this.actions, id, before, name));
  }

  async setImpairment(id, body) {
    const before = structuredClone(this.store.links.get(id)?.impairment || {});
    const link = await this.actions.setImpairment(id, body);
    const after = structuredClone(link?.impairment || body.impairment || {});
    this.history.record(commands.impaired(this.actions, id, before, after));
    return link;
  }

  /** Keeps a copy of the selection for paste (in this page; the system clipboard is left alone). */
  copySelection({ quiet = false } = {}) {
    const copy = copyOf(this.canvas.selection(), this.store);
    if (isEmpty(copy)) return false;
    this.clipboard = copy;
    this.pastes = 0;
    if (!quiet) this.notices.info(`Copied ${copy.nodes.length} node(s) and ${copy.links.length} link(s): Ctrl-V pastes`);
    return true;
  }

  /**
   * Creates the copied nodes (unique names, shifted), the links between them and the copied annotations, then
   * selects what was made. One undo removes the whole paste.
   */
  async paste() {
    if (isEmpty(this.clipboard)) return;
    this.pastes = (this.pastes || 0) + 1;
    const shift = 40 * this.pastes;
    const plan = pastePlan(this.clipboard, [...this.store.nodes.values()].map((n) => n.name), { x: shift, y: shift });
    const made = { nodes: [], links: [], annotations: [] };
    const newId = new Map();
    try {
      for (const { from, body } of plan.nodes) {
        const node = await this.actions.createNodeFrom(body);
        newId.set(from, node.id);
        made.nodes.push(node);
      }
      for (const { body } of plan.links) {
        body.a.node = newId.get(body.a.node);
        body.b.node = newId.get(body.b.node);
        made.links.push(await this.actions.createLink(body));
      }
      for (const { body } of plan.annotations) made.annotations.push(await this.actions.createAnnotation(body));
    } catch (error) {
      this.notices.error(`paste stopped: ${error.message}`);
    }
    if (!made.nodes.length && !made.annotations.length) return;
    this.history.record(commands.created(this.actions, made, `paste ${made.nodes.length + made.annotations.length} element(s)`));
    this.canvas.selectOnly([...made.nodes, ...made.links, ...made.annotations].map((e) => e.id));
  }

  async duplicate() {
    const keep = this.clipboard;
    const keepPastes = this.pastes;
    if (!this.copySelection({ quiet: true })) return;
    await this.paste();
    this.clipboard = keep ?? this.clipboard;
    this.pastes = keep ? keepPastes : this.pastes;
  }

  async undo() {
    try {
      const command = await this.history.undo();
      if (command) this.notices.info(`undone: ${command.label}`);
    } catch (error) {
      this.notices.error(`could not undo ${this.history.undoLabel}: ${error.message}`);
    }
  }

  async redo() {
    try {
      const command = await this.history.redo();
      if (command) this.notices.info(`redone: ${command.label}`);
    } catch (error) {
      this.notices.error(`could not redo ${this.history.redoLabel}: ${error.message}`);
    }
  }

  showHistory() {
    const undo = $("btn-undo");
    const redo = $("btn-redo");
    if (!undo || !redo) return;
    undo.disabled = !this.history.canUndo;
    redo.disabled = !this.history.canRedo;
    undo.title = this.history.canUndo ? `Undo ${this.history.undoLabel} (Ctrl-Z)` : "Nothing to undo";
    redo.title = this.history.canRedo ? `Redo ${this.history.redoLabel} (Ctrl-Shift-Z)` : "Nothing to redo";
  }

  setLinkMode(on) {
    this.canvas.setLinkMode(on);
    const button = $("btn-link-mode");
    button.setAttribute("aria-pressed", String(on));
    button.classList.toggle("active", on);
  }

  bindToolbar() {
    $("btn-start-all").addEventListener("click", () => this.startAll());
    $("btn-stop-all").addEventListener("click", () => this.actions.labAction("stop"));
    $("btn-link-mode").addEventListener("click", () => this.setLinkMode(!this.canvas.linkMode));
    $("btn-delete").addEventListener("click", () => this.deleteSelection());
    $("btn-fit").addEventListener("click", (event) => this.canvas.fit({ all: event.shiftKey }));
    $("btn-zoom-in").addEventListener("click", () => this.canvas.zoomStep(1));
    $("btn-zoom-out").addEventListener("click", () => this.canvas.zoomStep(-1));
    $("snap-grid").addEventListener("change", (event) => this.canvas.setSnap(event.target.checked));
    $("host-filter").addEventListener("change", (event) => this.canvas.showOnlyHost(event.target.value));
    $("btn-undo").addEventListener("click", () => this.undo());
    for (const kind of ["text", "rect", "ellipse"]) $(`btn-add-${kind}`).addEventListener("click", () => this.addAnnotation(kind));
    $("btn-redo").addEventListener("click", () => this.redo());
    this.showHistory();
    $("export-format").addEventListener("change", () => this.showExport());
    this.showExport();
  }

  /** The Export link follows the chosen format: JSON (the default), YAML or containerlab. */
  showExport() {
    const format = $("export-format").value || "json";
    const link = $("btn-export");
    link.href = format === "json" ? this.actions.exportUrl() : `${this.actions.exportUrl()}?format=${format}`;
    link.download = exportFileName(this.projectName || "", format);
  }

  bindKeys() {
    document.addEventListener("keydown", (event) => {
      // Keys typed into a field, a terminal or a code editor are theirs, never the canvas's shortcuts.
      const typing = event.target.closest("input, textarea, select, .xterm, dialog, [contenteditable], .cm-editor");
      if (typing) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && (event.key === "z" || event.key === "Z")) {
        event.preventDefault();
        if (event.shiftKey) this.redo();
        else this.undo();
        return;
      }
      if (mod && (event.key === "y" || event.key === "Y")) {
        event.preventDefault();
        this.redo();
        return;
      }
      if (mod && (event.key === "c" || event.key === "C")) {
        if (this.copySelection()) event.preventDefault();
        return;
      }
      if (mod && (event.key === "v" || event.key === "V")) {
        event.preventDefault();
        this.paste();
        return;
      }
      if (mod && (event.key === "d" || event.key === "D")) {
        event.preventDefault();
        this.duplicate();
        return;
      }
      if (mod) return;
      if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        this.deleteSelection();
      } else if (event.key === "l" || event.key === "L") {
        this.setLinkMode(!this.canvas.linkMode);
      } else if (event.key === "Escape") {
        this.setLinkMode(false);
      } else if (event.key === "f" || event.key === "F") {
        this.canvas.fit({ all: event.shiftKey });
      } else if (event.key === "+" || event.key === "=") {
        this.canvas.zoomStep(1);
      } else if (event.key === "-") {
        this.canvas.zoomStep(-1);
      } else if (event.key === "m" || event.key === "M") {
        this.canvas.minimap.visible = !this.canvas.minimap.visible;
      } else if (event.key === "g" || event.key === "G") {
        const snap = $("snap-grid");
        snap.checked = !snap.checked;
        this.canvas.setSnap(snap.checked);
      }
    });
  }
}

const config = $("editor-config").dataset;
new Editor({ projectId: config.projectId, apiBase: config.apiBase, staff: config.staff });
