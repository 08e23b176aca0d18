/**
 * The side form for one link: which ports it joins, its status, and its impairments per direction with units.
 * Inputs the host cannot honour are disabled and say why; the API's refusals are shown under each input.
 *
 * Division of labour: DOM only. Field definitions, conversions and error placement are lib/impairment-fields.js;
 * which needs are unmet is lib/capabilities.js; the PATCH itself is LabActions.setImpairment.
 */

import {
  DIRECTIONS,
  errorsToForm,
  formKey,
  formToImpairment,
  IMPAIRMENT_FIELDS,
  ImpairmentInputError,
  impairmentToForm,
} from "../lib/impairment-fields.js";
import { h } from "../lib/dom-builder.js";

export class LinkForm {
  /**
   * @param {HTMLElement} container
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {{submit: (id, body) => Promise, remove: (id) => void}} on
   * @param {string} linkId
   * @param {Record<string, string>} disabled need → reason (from capabilities.disabledReasons)
   */
  constructor(container, store, on, linkId, disabled) {
    this.container = container;
    this.store = store;
    this.on = on;
    this.linkId = linkId;
    this.disabled = disabled;
    this.dirty = false;
    this.render();
  }

  endName(end) {
    return `${this.store.nodes.get(end.node)?.name || "?"}:${end.port}`;
  }

  render() {
    const link = this.store.links.get(this.linkId);
    if (!link) {
      this.container.replaceChildren(h("p", { className: "muted" }, "This link was deleted."));
      return;
    }
    const values = impairmentToForm(link.impairment);
    const a = this.endName(link.a);
    const b = this.endName(link.b);
    this.inputs = {};
    this.errors = {};
    const rows = IMPAIRMENT_FIELDS.map((field) => {
      const reason = this.disabled[field.needs];
      const cells = DIRECTIONS.map((direction) => {
        const key = formKey(direction, field.name);
        const input = h("input", {
          type: "number",
          name: key,
          min: field.min,
          max: field.max,
          step: field.step,
          value: values[key],
          placeholder: "off",
          disabled: Boolean(reason),
          title: reason || undefined,
          "aria-label": `${field.label} ${direction === "a_to_b" ? `${a} → ${b}` : `${b} → ${a}`} (${field.unit})`,
          oninput: () => {
            this.dirty = true;
          },
        });
        const error = h("div", { className: "field-error", "data-for": key });
        this.inputs[key] = input;
        this.errors[key] = error;
        return h("td", {}, h("div", { className: "with-unit" }, input, h("span", { className: "unit" }, field.unit)), error);
      });
      return h("tr", { className: reason ? "disabled-row" : "" }, h("th", { scope: "row" }, field.label), ...cells);
    });
    const reasons = Object.entries(this.disabled).map(([need, reason]) =>
      h(
        "p",
        { className: "capability-note", "data-need": need },
        `${need === "netem" ? "Delay, jitter, loss, corruption, duplication and reordering" : "Rate"} unavailable: ${reason}`,
      ),
    );
    this.formError = h("div", { className: "field-error form-error", "data-for": "_form", role: "alert" });
    this.statusLine = h("div", { className: "status-line" });
    this.form = h(
      "form",
      { className: "impairment-form", onsubmit: (event) => this.submit(event), novalidate: true },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}), h("th", { scope: "col" }, `${a} → ${b}`), h("th", { scope: "col" }, `${b} → ${a}`))),
        h("tbody", {}, rows),
      ),
      reasons,
      this.formError,
      h(
        "div",
        { className: "button-row" },
        h("button", { type: "submit", className: "primary" }, "Apply"),
        h("button", { type: "button", className: "danger", onclick: () => this.on.remove(this.linkId) }, "Delete link"),
      ),
    );
    this.container.replaceChildren(h("h2", {}, "Link"), h("div", { className: "link-ends" }, `${a} ↔ ${b}`), this.statusLine, this.form);
    this.dirty = false;
    this.update();
  }

  /** Refreshes the status; refills the inputs only when the user has not started editing them. */
  update() {
    const link = this.store.links.get(this.linkId);
    if (!link) return this.render();
    if (!this.dirty) {
      const values = impairmentToForm(link.impairment);
      for (const [key, input] of Object.entries(this.inputs)) if (input.value !== values[key]) input.value = values[key];
    }
    const status = link.status || "down";
    const parts = [h("span", { className: `status-text link-${status}`, "data-status": status }, `status: ${status}`)];
    if (link.error) parts.push(h("div", { className: "node-error", role: "alert" }, link.error));
    this.statusLine.replaceChildren(...parts);
  }

  clearErrors() {
    for (const el of Object.values(this.errors)) el.textContent = "";
    this.formError.textContent = "";
  }

  showErrors(placed) {
    for (const [key, message] of Object.entries(placed)) {
      if (key === "_form") this.formError.textContent = message;
      else if (this.errors[key]) this.errors[key].textContent = message;
      else this.formError.textContent = `${this.formError.textContent} ${message}`.trim();
    }
  }

  async submit(event) {
    event.preventDefault();
    this.clearErrors();
    const values = Object.fromEntries(Object.entries(this.inputs).map(([k, input]) => [k, input.value]));
    const skip = new Set(IMPAIRMENT_FIELDS.filter((f) => this.disabled[f.needs]).map((f) => f.name));
    let body;
    try {
      body = formToImpairment(values, { skip });
    } catch (error) {
      if (error instanceof ImpairmentInputError) return this.showErrors(error.errors);
      throw error;
    }
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await this.on.submit(this.linkId, body);
      this.dirty = false;
      this.update();
      this.formError.textContent = "";
      this.form.classList.add("saved");
      setTimeout(() => this.form.classList.remove("saved"), 1200);
    } catch (error) {
      this.showErrors(error.body !== undefined ? errorsToForm(error.body, values) : { _form: error.message });
    } finally {
      button.disabled = false;
    }
  }
}
