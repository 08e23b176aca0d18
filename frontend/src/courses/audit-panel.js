/**
 * The course's audit trail, latest first: who started, stopped, reset, deleted or opened a console on which lab.
 * Refreshed after each of the teacher's actions and every half minute (consoles opened elsewhere show up so).
 */

import { h } from "../lib/dom-builder.js";

const $ = (id) => document.getElementById(id);
export const AUDIT_ROWS = 25;
const REFRESH_MS = 30000;

export class AuditPanel {
  constructor(api, course) {
    this.api = api;
    this.url = `/courses/${course.id}/audit/`;
  }

  start() {
    this.refresh();
    setInterval(() => document.hidden || this.refresh(), REFRESH_MS);
  }

  async refresh() {
    try {
      const events = (await this.api.list(this.url)).slice(0, AUDIT_ROWS);
      $("audit-rows").replaceChildren(...events.map((e) => this.row(e)));
      $("audit-error").textContent = "";
    } catch (error) {
      $("audit-error").textContent = `The audit trail could not be loaded: ${error.message}`;
    }
  }

  row(event) {
    return h(
      "tr",
      { dataset: { action: event.action } },
      h("td", { className: "muted" }, new Date(event.created).toLocaleString()),
      h("td", {}, event.username || "—"),
      h("td", {}, event.action),
      h("td", {}, event.project_name),
      h("td", {}, event.detail),
    );
  }
}
