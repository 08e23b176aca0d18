/**
 * The teacher's grid: for one assignment, every student × every check with the latest result and its time,
 * "Run all" (the checks on every copy, through the workers) and the CSV export.
 *
 * Division of labour: requests and DOM here; marks and times are check-summary.js. After "Run all" the grid is
 * re-read until every run has finished (their ids come back from the 202).
 */

import { h } from "../lib/dom-builder.js";
import { mark, whenText } from "./check-summary.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const GIVE_UP_MS = 300000;

export class GradesPanel {
  constructor(api, course) {
    this.api = api;
    this.course = course;
    this.base = `/courses/${course.id}/assignments/`;
    this.select = $("grades-assignment");
    this.select.addEventListener("change", () => this.refresh());
    $("btn-run-all").addEventListener("click", () => this.runAll());
  }

  start() {
    this.loadAssignments();
  }

  async loadAssignments() {
    try {
      const assignments = await this.api.list(this.base);
      const current = this.select.value;
      this.select.replaceChildren(...assignments.map((a) => h("option", { value: a.id }, `${a.title} (${a.checks} checks)`)));
      if (assignments.some((a) => a.id === current)) this.select.value = current;
      $("no-grades").hidden = assignments.length > 0;
      await this.refresh();
    } catch (error) {
      $("grades-error").textContent = `The assignments could not be loaded: ${error.message}`;
    }
  }

  async refresh() {
    const id = this.select.value;
    $("btn-grades-csv").hidden = !id;
    $("btn-run-all").disabled = !id;
    if (!id) {
      $("grades-table").replaceChildren();
      return null;
    }
    $("btn-grades-csv").href = `/api${this.base}${id}/grades/?format=csv`;
    try {
      const grid = await this.api.get(`${this.base}${id}/grades/`);
      this.render(grid);
      return grid;
    } catch (error) {
      $("grades-error").textContent = error.message;
      return null;
    }
  }

  render(grid) {
    const head = h("tr", {}, h("th", {}, "Student"), ...grid.checks.map((c) => h("th", { title: c.node }, c.name)), h("th", {}, "Passed"), h("th", {}, "Last run"));
    const rows = grid.rows.map((row) =>
      h(
        "tr",
        { dataset: { student: row.student } },
        h("td", {}, row.student),
        ...grid.checks.map((c) => {
          const cell = row.cells[c.id];
          const status = cell.passed === true ? "passed" : cell.passed === false ? "failed" : "not-run";
          const history = cell.history.map((x) => `${mark(x.passed)} ${whenText(x.ran_at)}`).join("\n");
          return h(
            "td",
            { className: `cell-${status}`, title: history || "not run", dataset: { check: c.id, status, runs: String(cell.runs) } },
            mark(cell.passed),
            cell.runs > 1 ? h("span", { className: "muted" }, ` ×${cell.runs}`) : null,
            cell.ran_at ? h("span", { className: "cell-time" }, whenText(cell.ran_at)) : null,
          );
        }),
        h("td", {}, row.copy ? `${row.passed}/${grid.checks.length}` : "no lab yet"),
        h("td", {}, whenText(row.last_run)),
      ),
    );
    $("grades-table").replaceChildren(h("thead", {}, head), h("tbody", {}, ...rows));
  }

  async runAll() {
    const id = this.select.value;
    $("grades-error").textContent = "";
    $("btn-run-all").disabled = true;
    $("grades-state").textContent = "running every copy's checks…";
    try {
      const { operations } = await this.api.post(`${this.base}${id}/check-all/`);
      const started = Date.now();
      let pending = [...operations];
      while (pending.length && Date.now() - started < GIVE_UP_MS) {
        const runs = await Promise.all(pending.map((op) => this.api.get(`/courses/${this.course.id}/check-runs/${op}/`)));
        pending = runs.filter((r) => r.status === "pending" || r.status === "running").map((r) => r.id);
        $("grades-state").textContent = `${operations.length - pending.length} of ${operations.length} copies checked`;
        if (pending.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await this.refresh();
      if (pending.length) $("grades-error").textContent = `${pending.length} copies were not checked in time.`;
    } catch (error) {
      $("grades-error").textContent = error.message;
      $("grades-state").textContent = "";
    } finally {
      $("btn-run-all").disabled = false;
    }
  }
}
