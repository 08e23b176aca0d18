/**
 * The side panel for one node: name (rename), live status with the error's reason, ports and what they link to,
 * the compute host it runs on (staff move a stopped node to another, after a confirmation that says what stays
 * behind), and the node's actions (start, stop, restart, console, delete).
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
   *   optionally configure(slot, node) → a view with destroy() drawing the node's configuration into slot,
   *   and, for staff, hosts() → the compute hosts that are up and move(id, host) → Promise
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
    this.hostLine = h("div", { className: "host-line" });
    this.configSlot = h("section", { className: "node-config" });
    this.container.replaceChildren(
      h("h2", {}, "Node"),
      form,
      this.statusLine,
      h("div", { className: "muted" }, `${node.kind || "docker"}${node.template_name ? ` · ${node.template_name}` : ""}`),
      this.hostLine,
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
    if (status === "error" || status === "unknown") {
      parts.push(h("div", { className: "node-error", role: "alert" }, node.error || "the node failed without a reason"));
    }
    this.statusLine.replaceChildren(...parts);
    this.showHost(node);
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

  showHost(node) {
    const label = h("span", {}, "Compute host ", h("code", { className: "host-name" }, node.compute_host || "?"));
    const others = (this.on.hosts?.() || []).filter((name) => name !== node.compute_host);
    if (!this.on.move || !others.length) return this.hostLine.replaceChildren(label);
    if (this.hostLine.querySelector("select") === document.activeElement) return; // the user is choosing
    const stopped = (node.status || "stopped") === "stopped";
    const select = h(
      "select",
      { name: "move-to", disabled: !stopped, title: stopped ? "Move this node to another compute host" : "Stop the node to move it" },
      h("option", { value: "" }, "move to…"),
      ...others.map((name) => h("option", { value: name }, name)),
    );
    const error = h("div", { className: "field-error", "data-for": "compute_host", role: "alert" });
    select.addEventListener("change", () => this.move(node, select, error));
    this.hostLine.replaceChildren(label, " ", select, error);
  }

  async move(node, select, error) {
    const host = select.value;
    select.value = "";
    if (!host) return;
    const question =
      `Move ${node.name} to compute host ${host}? Its container is removed from ${node.compute_host}: files written ` +
      "inside it since it was created stay behind. Its configuration (files, startup lines, settings) comes along.";
    if (!window.confirm(question)) return;
    error.textContent = "";
    try {
      await this.on.move(node.id, host);
    } catch (failure) {
      const body = failure.body || {};
      error.textContent = Array.isArray(body.compute_host) ? body.compute_host.join(" ") : failure.message;
    }
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
