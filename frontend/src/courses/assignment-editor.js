/**
 * The teacher's editor for one assignment, opened under its row: the instructions (Markdown) and due date, and
 * the checks (list, add, edit, delete). Refusals land under the input they name.
 *
 * Division of labour: this file builds the forms and sends them; the API validates (node names, addresses,
 * expectations) and its messages are shown as they come.
 */

import { h } from "../lib/dom-builder.js";
import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";

const KINDS = {
  command: "command + expectation",
  reaches: "node reaches address (ping)",
  route: "route to prefix exists",
  address: "interface has address",
};
const EXPECTS = { exit_code: "exit status is", output_contains: "output contains", output_regex: "output matches regex" };

/** "2027-01-10T12:00:00Z" → the value a datetime-local input shows (local time), and back. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}

/** The check's body from the add form's values. */
export function checkBody(values) {
  const body = { name: values.name.trim(), kind: values.kind, node: values.node.trim(), hint: values.hint.trim() };
  if (values.timeout) body.timeout = Number(values.timeout);
  if (values.kind === "command") {
    body.command = values.command;
    const expected = values.expectKind === "exit_code" ? Number(values.expectValue || 0) : values.expectValue;
    body.expect = { [values.expectKind]: expected };
  } else {
    body.target = values.target.trim();
    if (values.kind === "address" && values.interface) body.interface = values.interface.trim();
  }
  return body;
}

/** The check form's values for an existing check (the inverse of checkBody), to edit it. */
export function checkValues(check) {
  const [expectKind, expectValue] = Object.entries(check.expect || {})[0] || ["exit_code", 0];
  return {
    name: check.name || "",
    kind: check.kind || "command",
    node: check.node || "",
    command: check.command || "",
    expectKind,
    expectValue: expectValue === undefined || expectValue === null ? "" : String(expectValue),
    target: check.target || "",
    interface: check.interface || "",
    timeout: check.timeout ? String(check.timeout) : "",
    hint: check.hint || "",
  };
}

export function describeCheck(check) {
  if (check.kind === "command") {
    const [key, value] = Object.entries(check.expect || {})[0] || ["exit_code", 0];
    return `${check.node}$ ${check.command} — ${EXPECTS[key] || key} ${JSON.stringify(value)}`;
  }
  if (check.kind === "reaches") return `${check.node} reaches ${check.target}`;
  if (check.kind === "route") return `${check.node} has a route to ${check.target}`;
  return `${check.node}${check.interface ? ` ${check.interface}` : ""} has address ${check.target}`;
}

export class AssignmentEditor {
  constructor(api, base, assignment, { saved }) {
    this.api = api;
    this.url = `${base}${assignment.id}/`;
    this.assignment = assignment;
    this.saved = saved;
    this.el = h(
      "div",
      { className: "assignment-editor", dataset: { assignmentId: assignment.id } },
      this.instructionsForm(),
      this.checksPart(),
      this.poolPart(),
    );
    this.loadChecks();
    this.loadPool();
  }

  /** Warm pool: copies started and paused before class, so a student's Start only resumes one. */
  poolPart() {
    this.poolState = h("span", { className: "pool-state muted", "aria-live": "polite" });
    const form = h(
      "form",
      { className: "pool-form" },
      h("label", {}, "Seats to prepare", h("input", { name: "seats", type: "number", min: "0", max: "500", required: true })),
      h("button", { type: "submit" }, "Prepare"),
      this.poolState,
      h("div", { className: "field-error", dataset: { for: "seats" } }),
      h("div", { className: "field-error", dataset: { for: "_form" } }),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      try {
        this.showPool(await this.api.post(`${this.url}prepare/`, { seats: Number(form.elements.seats.value) }));
        this.pollPool();
      } catch (error) {
        showFormErrors(form, error);
      }
    });
    this.poolForm = form;
    return h("div", { className: "pool-editor" }, h("h4", {}, "Instant start (warm pool)"), form);
  }

  showPool(pool) {
    this.poolForm.elements.seats.value ||= String(pool.seats);
    this.poolState.textContent =
      `${pool.paused} of ${pool.prepared} prepared copies ready (paused), ${pool.claimed} claimed; ` +
      `${pool.nodes} of ${pool.pool_node_limit} pool nodes in use`;
    return pool;
  }

  async loadPool() {
    try {
      return this.showPool(await this.api.get(`${this.url}pool/`));
    } catch (error) {
      this.poolState.textContent = error.message;
      return null;
    }
  }

  /** Follows the pool while copies are being prepared. */
  async pollPool() {
    for (let i = 0; i < 120; i += 1) {
      const pool = await this.loadPool();
      if (!pool || pool.paused === pool.prepared) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  instructionsForm() {
    const form = h(
      "form",
      { className: "instructions-form" },
      h("label", { className: "wide" }, h("span", {}, "Instructions (Markdown; HTML is shown as text)"),
        h("textarea", { name: "instructions", rows: "6" })),
      h("label", {}, "Due", h("input", { type: "datetime-local", name: "due", value: toLocalInput(this.assignment.due) })),
      h("button", { type: "submit" }, "Save instructions"),
      h("div", { className: "field-error", dataset: { for: "instructions" } }),
      h("div", { className: "field-error", dataset: { for: "due" } }),
      h("div", { className: "field-error", dataset: { for: "_form" } }),
      h("div", { className: "form-ok", "aria-live": "polite" }),
    );
    form.elements.instructions.value = this.assignment.instructions || "";
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      form.querySelector(".form-ok").textContent = "";
      try {
        const due = fromLocalInput(form.elements.due.value);
        this.assignment = await this.api.patch(this.url, { instructions: form.elements.instructions.value, due });
        form.querySelector(".form-ok").textContent = "Saved.";
        this.saved();
      } catch (error) {
        showFormErrors(form, error);
      }
    });
    return form;
  }

  checksPart() {
    this.rows = h("tbody", {});
    const form = h(
      "form",
      { className: "check-form" },
      h("label", {}, "Name", h("input", { name: "name", maxlength: "100", required: true, placeholder: "h1 reaches h2" })),
      h("label", {}, "Kind", h("select", { name: "kind", onchange: () => this.showKindFields(form) },
        ...Object.entries(KINDS).map(([v, t]) => h("option", { value: v }, t)))),
      h("label", {}, "Node", h("input", { name: "node", maxlength: "32", required: true, placeholder: "pc1" })),
      h("label", { className: "for-command" }, "Command", h("input", { name: "command", placeholder: "ip addr show eth0" })),
      h("label", { className: "for-command" }, "Expect", h("select", { name: "expectKind" },
        ...Object.entries(EXPECTS).map(([v, t]) => h("option", { value: v }, t)))),
      h("label", { className: "for-command" }, "Value", h("input", { name: "expectValue", placeholder: "0" })),
      h("label", { className: "for-target", hidden: true }, "Address / prefix", h("input", { name: "target", placeholder: "10.0.0.2" })),
      h("label", { className: "for-interface", hidden: true }, "Interface", h("input", { name: "interface", placeholder: "eth0" })),
      h("label", {}, "Timeout (s)", h("input", { name: "timeout", type: "number", min: "1", max: "60", placeholder: "10" })),
      h("label", { className: "wide" }, "Hint shown when it fails", h("input", { name: "hint" })),
      h("button", { type: "submit", className: "check-submit" }, "Add check"),
      h("button", { type: "button", className: "check-cancel", hidden: true, onclick: () => this.stopEditing() }, "Cancel"),
      ...["name", "kind", "node", "command", "expect", "target", "interface", "timeout", "hint", "_form"].map((f) =>
        h("div", { className: "field-error", dataset: { for: f } })),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.editing) this.saveCheck(form);
      else this.addCheck(form);
    });
    this.checkForm = form;
    return h(
      "div",
      { className: "checks-editor" },
      h("h4", {}, "Checks"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "What"), h("th", {}, "Hint"), h("th", {}, ""))), this.rows),
      form,
    );
  }

  showKindFields(form) {
    const kind = form.elements.kind.value;
    for (const el of form.querySelectorAll(".for-command")) el.hidden = kind !== "command";
    form.querySelector(".for-target").hidden = kind === "command";
    form.querySelector(".for-interface").hidden = kind !== "address";
  }

  async loadChecks() {
    try {
      const checks = await this.api.list(`${this.url}checks/`);
      this.rows.replaceChildren(...checks.map((c) => this.checkRow(c)));
    } catch (error) {
      this.rows.replaceChildren(h("tr", {}, h("td", { colspan: "4", className: "field-error" }, error.message)));
    }
  }

  checkRow(check) {
    return h(
      "tr",
      { dataset: { checkId: check.id } },
      h("td", {}, check.name),
      h("td", {}, h("code", {}, describeCheck(check))),
      h("td", {}, check.hint),
      h(
        "td",
        {},
        h(
          "div",
          { className: "row-actions" },
          h("button", { type: "button", className: "edit-check", onclick: () => this.editCheck(check) }, "Edit"),
          h("button", { type: "button", className: "danger", onclick: () => this.removeCheck(check) }, "Delete"),
        ),
      ),
    );
  }

  async addCheck(form) {
    clearFormErrors(form);
    const values = Object.fromEntries(new FormData(form).entries());
    try {
      await this.api.post(`${this.url}checks/`, checkBody(values));
      for (const name of ["name", "command", "expectValue", "target", "interface", "hint"]) form.elements[name].value = "";
      await this.loadChecks();
      this.saved();
    } catch (error) {
      showFormErrors(form, error);
    }
  }

  /** Fills the form with `check`; its submit then saves that check (PATCH) instead of adding one. */
  editCheck(check) {
    const form = this.checkForm;
    clearFormErrors(form);
    this.editing = check;
    for (const [name, value] of Object.entries(checkValues(check))) form.elements[name].value = value;
    this.showKindFields(form);
    form.classList.add("editing");
    form.querySelector(".check-submit").textContent = `Save check "${check.name}"`;
    form.querySelector(".check-cancel").hidden = false;
    form.elements.name.focus();
  }

  stopEditing() {
    const form = this.checkForm;
    this.editing = null;
    clearFormErrors(form);
    for (const name of ["name", "command", "expectValue", "target", "interface", "hint", "timeout"]) form.elements[name].value = "";
    form.classList.remove("editing");
    form.querySelector(".check-submit").textContent = "Add check";
    form.querySelector(".check-cancel").hidden = true;
  }

  async saveCheck(form) {
    clearFormErrors(form);
    const values = Object.fromEntries(new FormData(form).entries());
    try {
      await this.api.patch(`${this.url}checks/${this.editing.id}/`, checkBody(values));
      this.stopEditing();
      await this.loadChecks();
      this.saved();
    } catch (error) {
      showFormErrors(form, error);
    }
  }

  async removeCheck(check) {
    if (!window.confirm(`Delete the check "${check.name}" and its results?`)) return;
    await this.api.delete(`${this.url}checks/${check.id}/`);
    await this.loadChecks();
    this.saved();
  }
}
