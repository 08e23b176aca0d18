/**
 * The side panel for one node: name (rename), live status with the error's reason, ports and what they link to,
 * and the node's actions (start, stop, restart, console, delete).
 *
 * Division of labour: draws one node from the store and calls back the editor for actions; rename errors from
 * the API are shown under the name input.
 */

import { h } from "../lib/dom-builder.js";
import { STATUS_COLOURS } from "../lib/graph-elements.js";

export class NodePanel {
  /**
   * @param {HTMLElement} container
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {object} on rename(id, name) → Promise, action(id, "start"|"stop"|"restart"), open(id), remove(id),
   *   and optionally configure(slot, node) → a view with destroy() drawing the node's configuration into slot
   */
  constructor(container, store, on, nodeId) {
    this.container = container;
    this.store = store;
    this.on = on;
    this.nodeId = nodeId;
    this.render();
  }

  render() {
    const node = this.store.nodes.get(this.nodeId);
    if (!node) {
      this.container.replaceChildren(h("p", { className: "muted" }, "This node was deleted."));
      return;
    }
    this.nameInput = h("input", { name: "name", value: node.name, required: true, maxlength: 64, autocomplete: "off" });
    this.nameError = h("div", { className: "field-error", "data-for": "name" });
    const form = h(
      "form",
      { className: "rename-form", onsubmit: (event) => this.submitRename(event) },
      h("label", {}, "Name", this.nameInput),
      h("button", { type: "submit" }, "Rename"),
      this.nameError,
    );
    this.statusLine = h("div", { className: "status-line" });
    this.portList = h("ul", { className: "port-list" });
    this.buttons = h("div", { className: "button-row" });
    this.configSlot = h("section", { className: "node-config" });
    this.container.replaceChildren(
      h("h2", {}, "Node"),
      form,
      this.statusLine,
      h("div", { className: "muted" }, `${node.kind || "docker"}${node.template_name ? ` · ${node.template_name}` : ""}`),
      h("h3", {}, "Ports"),
      this.portList,
      this.buttons,
      this.configSlot,
    );
    this.config?.destroy();
    this.config = this.on.configure && node.kind === "docker" ? this.on.configure(this.configSlot, node) : null;
    this.update();
  }

  /** Refreshes status, ports and buttons without touching the name the user may be typing. */
  update() {
    const node = this.store.nodes.get(this.nodeId);
    if (!node) return this.render();
    if (document.activeElement !== this.nameInput && this.nameInput.value !== node.name) this.nameInput.value = node.name;
    const status = node.status || "stopped";
    const parts = [
      h("span", { className: "status-dot", style: { background: STATUS_COLOURS[status] || STATUS_COLOURS.stopped } }),
      h("span", { className: `status-text status-${status}`, "data-status": status }, status),
    ];
    if (status === "error") {
      parts.push(h("div", { className: "node-error", role: "alert" }, node.error || "the node failed without a reason"));
    }
    this.statusLine.replaceChildren(...parts);
    const links = this.store.linksOf(node.id);
    this.portList.replaceChildren(
      ...(node.ports || []).map((port) => {
        const link = links.find(
          (l) => (l.a.node === node.id && l.a.port === port.name) || (l.b.node === node.id && l.b.port === port.name),
        );
        let peer = "free";
        if (link) {
          const other = link.a.node === node.id && link.a.port === port.name ? link.b : link.a;
          peer = `→ ${this.store.nodes.get(other.node)?.name || "?"}:${other.port}`;
        }
        return h("li", {}, h("code", {}, port.name), " ", h("span", { className: link ? "" : "muted" }, peer));
      }),
    );
    const running = status === "started";
    const busy = status === "starting" || status === "stopping";
    this.buttons.replaceChildren(
      h("button", { type: "button", disabled: running || busy, onclick: () => this.on.action(node.id, "start") }, "Start"),
      h("button", { type: "button", disabled: !running, onclick: () => this.on.action(node.id, "stop") }, "Stop"),
      h("button", { type: "button", disabled: busy, onclick: () => this.on.action(node.id, "restart") }, "Restart"),
      h(
        "button",
        { type: "button", disabled: !running || node.kind !== "docker", onclick: () => this.on.open(node.id) },
        "Console",
      ),
      h("button", { type: "button", className: "danger", onclick: () => this.on.remove(node.id) }, "Delete"),
    );
  }

  async submitRename(event) {
    event.preventDefault();
    this.nameError.textContent = "";
    const name = this.nameInput.value.trim();
    try {
      await this.on.rename(this.nodeId, name);
    } catch (error) {
      const body = error.body || {};
      this.nameError.textContent = Array.isArray(body.name) ? body.name.join(" ") : error.message;
    }
  }

  focusName() {
    this.nameInput.focus();
    this.nameInput.select();
  }
}
