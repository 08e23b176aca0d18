/**
 * The project list's Import: a webgns JSON or YAML file, a containerlab `*.clab.yml`, a GNS3 `.gns3` or
 * `.gns3project`, or a `.tar.gz` folder, chosen or dropped; the server's dry run is shown node by node
 * before anything is made, and Import makes it (then opens it in the editor).
 *
 * Division of labour: this module handles the form, the drop zone and the two requests
 * (`POST /api/projects/import/?dry_run=1`, then without it); import-report.js turns answers into rows.
 */

import { h } from "../lib/dom-builder.js";
import { IMPORT_ACCEPT, parseMap, refusal, summarise } from "./import-report.js";

export class ImportPanel {
  /**
   * @param {HTMLFormElement} form the import form (file input, map, skip, report, buttons)
   * @param {import("../lib/api-client.js").ApiClient} api
   * @param {(project: object) => void} onImported
   */
  constructor(form, api, onImported) {
    this.form = form;
    this.api = api;
    this.onImported = onImported;
    this.file = null;
    this.input = form.elements.file;
    this.input.accept = IMPORT_ACCEPT;
    this.report = form.querySelector(".import-report");
    this.error = form.querySelector(".field-error");
    this.submit = form.querySelector("button[type=submit]");
    this.submit.disabled = true;
    this.input.addEventListener("change", () => this.choose(this.input.files[0]));
    form.elements.skip_unsupported.addEventListener("change", () => this.check());
    form.elements.map.addEventListener("change", () => this.check());
    const zone = form.querySelector(".drop-zone");
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      const dropped = event.dataTransfer && event.dataTransfer.files[0];
      if (dropped) this.choose(dropped);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.make();
    });
  }

  choose(file) {
    this.file = file || null;
    this.form.querySelector(".chosen-file").textContent = file ? file.name : "";
    this.check();
  }

  /** The request's body: the file and the options, as the API takes them beside `file`. */
  body() {
    const body = new FormData();
    body.append("file", this.file, this.file.name);
    const map = parseMap(this.form.elements.map.value);
    if (Object.keys(map).length) body.append("map", JSON.stringify(map));
    if (this.form.elements.skip_unsupported.checked) body.append("skip_unsupported", "true");
    return body;
  }

  async check() {
    this.error.textContent = "";
    this.report.replaceChildren();
    this.submit.disabled = true;
    if (!this.file) return;
    let body;
    try {
      body = this.body();
    } catch (err) {
      this.error.textContent = `map: ${err.message}`;
      return;
    }
    try {
      const answer = await this.api.post("/projects/import/?dry_run=1", body);
      this.show(answer, "");
      this.submit.disabled = false;
    } catch (err) {
      // A refusal that still lists the nodes (some cannot run here) is shown as a report.
      this.show(err.body, refusal(err.body, err.message));
    }
  }

  show(answer, problem) {
    const summary = summarise(answer);
    const rows = summary.rows.map((row) =>
      h(
        "tr",
        { className: row.blocking ? "import-blocked" : "" },
        h("td", {}, row.name),
        h("td", {}, row.action),
        h("td", {}, row.reason),
      ),
    );
    const parts = [];
    if (rows.length) {
      const format = answer && answer.format ? `${answer.format}: ` : "";
      parts.push(
        h("p", { className: "import-summary" },
          `${format}${summary.made} node(s) to make, ${summary.skipped} skipped, ${summary.blocked} cannot run here`),
        h("table", { className: "import-nodes" },
          h("thead", {}, h("tr", {}, h("th", {}, "node"), h("th", {}, "action"), h("th", {}, "why"))),
          h("tbody", {}, ...rows)),
      );
    }
    this.report.replaceChildren(...parts);
    this.error.textContent = problem;
  }

  async make() {
    if (!this.file) return;
    this.submit.disabled = true;
    this.error.textContent = "";
    try {
      const project = await this.api.post("/projects/import/", this.body());
      this.onImported(project);
    } catch (err) {
      this.error.textContent = refusal(err.body, err.message);
      this.submit.disabled = false;
    }
  }
}
