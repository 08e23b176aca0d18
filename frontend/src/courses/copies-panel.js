/**
 * The teacher's table of every student's copy with its nodes' live status, and the actions on them: open the
 * copy in the editor, watch or take over a node's console, reset a copy; stop all and delete all, course-wide.
 *
 * Live status by polling GET …/copies/ (every 4 s, every 1 s while a node is starting or stopping or just after
 * an action), not by one events websocket per copy: one request answers for the whole course however many
 * students it has, where sockets would be one channel-layer group and one snapshot per copy per teacher page,
 * and copies come and go (a student's first start, a reset makes a new project) so sockets would have to be
 * opened and closed as the table changes. Rows are redrawn only when their signature changes, so a click on
 * a row's button is never lost to a redraw. Polling pauses while the page is hidden.
 */

import { h } from "../lib/dom-builder.js";
import { consoleAvailable, copiesSummary, copySignature, diffCopies, pollDelay } from "./copy-status.js";

const $ = (id) => document.getElementById(id);
const RECENT_ACTION_MS = 15000;
const RETRY_MS = 5000;

export class CopiesPanel {
  /**
   * @param {import("../lib/api-client.js").ApiClient} api
   * @param {{id: string}} course
   * @param {{openConsole: (copy, node, mode) => void, changed: () => void}} on
   */
  constructor(api, course, on) {
    this.api = api;
    this.base = `/courses/${course.id}/copies/`;
    this.on = on;
    this.rows = new Map(); // copy id → {el, signature}
    this.copies = [];
    this.lastAction = 0;
    this.timer = null;
    $("btn-stop-all").addEventListener("click", () => this.stopAll());
    $("btn-delete-all").addEventListener("click", () => this.deleteAll());
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.refresh();
    });
  }

  start() {
    this.refresh();
  }

  async refresh() {
    clearTimeout(this.timer);
    let delay = RETRY_MS;
    try {
      this.copies = await this.api.list(this.base);
      this.render(this.copies);
      $("copies-error").textContent = "";
      delay = pollDelay(this.copies, { recentAction: Date.now() - this.lastAction < RECENT_ACTION_MS });
    } catch (error) {
      $("copies-error").textContent = `Live status could not be read (${error.message}); retrying.`;
    }
    if (!document.hidden) this.timer = setTimeout(() => this.refresh(), delay);
  }

  render(copies) {
    const body = $("copy-rows");
    const drawn = new Map([...this.rows].map(([id, row]) => [id, row.signature]));
    const { add, redraw, remove, order } = diffCopies(drawn, copies);
    for (const id of remove) {
      this.rows.get(id).el.remove();
      this.rows.delete(id);
    }
    for (const copy of [...add, ...redraw]) {
      const el = this.row(copy);
      const old = this.rows.get(copy.id);
      if (old) old.el.replaceWith(el);
      this.rows.set(copy.id, { el, signature: copySignature(copy) });
    }
    // Appending an element already in place moves it, so this keeps the server's order cheaply.
    const wanted = order.map((id) => this.rows.get(id).el);
    if (wanted.some((el, i) => body.children[i] !== el)) body.append(...wanted);
    $("no-copies").hidden = copies.length > 0;
    $("copies-state").textContent = copiesSummary(copies);
  }

  row(copy) {
    const error = h("div", { className: "field-error", role: "alert" });
    const nodes = (copy.nodes || []).map((node) => this.nodeChip(copy, node, error));
    return h(
      "tr",
      { dataset: { copyId: copy.id, student: copy.student, projectId: copy.project } },
      h("td", { className: "student-name" }, copy.student),
      h("td", {}, copy.assignment_title),
      h("td", {}, h("span", { className: `status-text status-${copy.status} copy-status`, dataset: { status: copy.status } }, copy.status)),
      h("td", {}, h("div", { className: "node-chips" }, nodes)),
      h(
        "td",
        {},
        h(
          "div",
          { className: "row-actions" },
          h("a", { className: "button", href: `/projects/${copy.project}/`, target: "_blank", rel: "noopener" }, "Open editor"),
          h("button", { type: "button", className: "reset-button", onclick: (event) => this.reset(copy, event.target, error) }, "Reset"),
          error,
        ),
      ),
    );
  }

  nodeChip(copy, node, error) {
    const usable = consoleAvailable(node);
    const reason = usable ? "" : `${node.name} is ${node.status}: a console needs a running node`;
    return h(
      "span",
      { className: "node-chip", dataset: { nodeId: node.id, nodeName: node.name, status: node.status }, title: node.error || "" },
      h("span", { className: `status-dot status-${node.status}` }, "●"),
      h("span", { className: "node-name" }, node.name),
      h("span", { className: `status-text status-${node.status} node-status` }, node.status),
      h(
        "button",
        { type: "button", className: "watch-button", disabled: !usable, title: reason || "watch this console, read-only", onclick: () => this.openConsole(copy, node, "watch", error) },
        "watch",
      ),
      h(
        "button",
        { type: "button", className: "takeover-button", disabled: !usable, title: reason || "type in the student's own terminal (they see it); close it to give it back", onclick: () => this.openConsole(copy, node, "takeover", error) },
        "take over",
      ),
    );
  }

  async openConsole(copy, node, mode, error) {
    error.textContent = "";
    try {
      await this.on.openConsole(copy, node, mode);
    } catch (err) {
      error.textContent = err.message;
    }
  }

  async reset(copy, button, error) {
    const question = `Reset ${copy.student}'s copy of "${copy.assignment_title}"? Their lab is replaced by a fresh, stopped copy of the original; their changes are lost.`;
    if (!window.confirm(question)) return;
    await this.act(button, error, () => this.api.post(`${this.base}${copy.id}/reset/`));
  }

  async stopAll() {
    if (!window.confirm("Stop every student's running lab in this course?")) return;
    await this.act($("btn-stop-all"), $("copies-error"), async () => {
      const answer = await this.api.post(`${this.base}stop-all/`);
      $("copies-state").textContent = `stopping ${answer.operations.length} lab(s)…`;
    });
  }

  async deleteAll() {
    const question = "Delete every student's lab in this course, with its containers? This cannot be undone (end of term).";
    if (!window.confirm(question)) return;
    await this.act($("btn-delete-all"), $("copies-error"), async () => {
      const answer = await this.api.post(`${this.base}delete-all/`);
      $("copies-state").textContent = `deleted ${answer.deleted} lab(s)`;
    });
  }

  /** Runs one action with its button disabled; its refusal is shown in `error`; then everything refreshes. */
  async act(button, error, request) {
    error.textContent = "";
    button.disabled = true;
    try {
      await request();
      this.lastAction = Date.now();
      this.on.changed();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
    await this.refresh();
  }
}
