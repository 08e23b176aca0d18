/**
 * "Check my work": a button that asks a worker to run the assignment's checks on one copy, then the list of
 * checks, each passed or failed with its hint and what the node printed. Used on the student's course page and
 * in the editor's instructions panel.
 *
 * Division of labour: requests and DOM here; words and marks are check-summary.js. The run is followed by
 * polling its id (`/courses/{c}/check-runs/{id}/`), which needs no socket.
 */

import { h } from "../lib/dom-builder.js";
import { mark, summaryText, whenText } from "./check-summary.js";

const POLL_MS = 700;
const GIVE_UP_MS = 180000;

export class CheckResults {
  constructor(api, { courseId, copyId, label = "Check my work" }) {
    this.api = api;
    this.base = `/courses/${courseId}/copies/${copyId}/`;
    this.courseId = courseId;
    this.button = h("button", { type: "button", className: "primary check-button", onclick: () => this.run() }, label);
    this.state = h("span", { className: "check-state muted", "aria-live": "polite" });
    this.list = h("ul", { className: "check-list" });
    this.error = h("div", { className: "field-error check-error", role: "alert" });
    this.el = h("div", { className: "check-results" }, h("div", { className: "row-actions" }, this.button, this.state), this.error, this.list);
  }

  async load() {
    try {
      this.render(await this.api.get(`${this.base}checks/`));
    } catch (error) {
      this.error.textContent = `The checks could not be loaded: ${error.message}`;
    }
  }

  async run() {
    this.error.textContent = "";
    this.button.disabled = true;
    this.state.textContent = "checking…";
    try {
      const { operation } = await this.api.post(`${this.base}check/`);
      const started = Date.now();
      for (;;) {
        const run = await this.api.get(`/courses/${this.courseId}/check-runs/${operation}/`);
        if (run.status === "error") throw new Error(run.error || "the check run failed");
        if (run.status === "done") break;
        if (Date.now() - started > GIVE_UP_MS) throw new Error("no worker finished the checks in time; try again");
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      this.render(await this.api.get(`${this.base}checks/`));
    } catch (error) {
      this.error.textContent = error.message;
      this.state.textContent = "";
    } finally {
      this.button.disabled = false;
    }
  }

  render(results) {
    this.state.textContent = summaryText(results);
    this.list.replaceChildren(
      ...results.map((r) => {
        const status = r.passed === true ? "passed" : r.passed === false ? "failed" : "not-run";
        return h(
          "li",
          { className: `check-item check-${status}`, dataset: { check: r.check, status } },
          h("span", { className: "check-mark", "aria-label": status }, mark(r.passed)),
          " ",
          h("span", { className: "check-name" }, r.name),
          r.ran_at ? h("span", { className: "muted check-time" }, ` · ${whenText(r.ran_at)}`) : null,
          r.hint ? h("div", { className: "check-hint" }, `Hint: ${r.hint}`) : null,
          r.output ? h("details", { className: "check-output" }, h("summary", {}, "output"), h("pre", {}, r.output)) : null,
        );
      }),
    );
  }
}
