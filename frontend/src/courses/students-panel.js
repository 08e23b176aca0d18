/**
 * The teacher's roster: the enrolled students, adding one, importing a CSV roster (each refused line shown with
 * its number and reason), removing one. Passwords of new accounts are shown once, in a table that lives only
 * as long as the page: the server keeps nothing but their hash.
 */

import { h } from "../lib/dom-builder.js";
import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";
import { downloadText, passwordsCsv } from "./password-csv.js";
import { addedStudentText, newAccounts, rosterErrorLines, rosterSummary } from "./roster-result.js";

const $ = (id) => document.getElementById(id);

export class StudentsPanel {
  constructor(api, course) {
    this.api = api;
    this.base = `/courses/${course.id}/students/`;
    this.addForm = $("add-student-form");
    this.importForm = $("import-form");
    this.addForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
    this.importForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.import();
    });
    this.issued = []; // passwords shown on this page, for the CSV: the server keeps only hashes
    this.courseName = course.name;
    $("btn-passwords-csv").addEventListener("click", () => this.downloadPasswords());
    $("btn-reset-all").addEventListener("click", () => this.resetAll());
  }

  downloadPasswords() {
    downloadText(`passwords-${this.courseName}.csv`, passwordsCsv(this.issued));
  }

  async resetPassword(student, button, error) {
    if (!window.confirm(`Give ${student.username} a new password? Their old one stops working now.`)) return;
    error.textContent = "";
    button.disabled = true;
    try {
      this.showPasswords([await this.api.post(`${this.base}${encodeURIComponent(student.username)}/reset-password/`)]);
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  /** New passwords for every student, downloaded at once as CSV (the only copy there will be). */
  async resetAll() {
    if (!window.confirm("Give every student of this course a new password? Their old ones stop working now.")) return;
    $("reset-all-result").textContent = "";
    try {
      const { passwords, skipped } = await this.api.post(`${this.base}reset-passwords/`, {});
      this.showPasswords(passwords);
      this.downloadPasswords();
      const note = skipped.length ? ` Skipped: ${skipped.map((s) => s.reason).join(" ")}` : "";
      $("reset-all-result").textContent = `${passwords.length} new passwords, downloaded as CSV.${note}`;
    } catch (err) {
      $("reset-all-result").textContent = err.message;
    }
  }

  start() {
    this.refresh();
  }

  async refresh() {
    try {
      const students = await this.api.list(this.base);
      $("student-rows").replaceChildren(...students.map((s) => this.row(s)));
      $("no-students").hidden = students.length > 0;
    } catch (error) {
      $("page-error").textContent = `The students could not be loaded: ${error.message}`;
    }
  }

  row(student) {
    const error = h("div", { className: "field-error", role: "alert" });
    const enrolled = student.enrolled ? new Date(student.enrolled).toLocaleString() : "";
    return h(
      "tr",
      { dataset: { username: student.username } },
      h("td", {}, student.username),
      h("td", {}, student.email),
      h("td", { className: "muted" }, enrolled),
      h(
        "td",
        {},
        h(
          "div",
          { className: "row-actions" },
          h("button", { type: "button", className: "reset-password", onclick: (event) => this.resetPassword(student, event.target, error) }, "Reset password"),
          h("button", { type: "button", className: "danger", onclick: (event) => this.remove(student, event.target, error) }, "Remove"),
          error,
        ),
      ),
    );
  }

  showPasswords(accounts) {
    if (!accounts.length) return;
    this.issued.push(...accounts);
    $("password-rows").append(
      ...accounts.map((a) =>
        h("tr", { dataset: { username: a.username } }, h("td", {}, a.username), h("td", {}, a.email), h("td", {}, h("code", { className: "password" }, a.password))),
      ),
    );
    $("passwords").hidden = false;
  }

  async add() {
    clearFormErrors(this.addForm);
    $("add-student-result").textContent = "";
    const { username, email } = this.addForm.elements;
    try {
      const row = await this.api.post(this.base, { username: username.value.trim(), email: email.value.trim() });
      $("add-student-result").textContent = addedStudentText(row);
      this.showPasswords(newAccounts({ created: row.password ? [row] : [] }));
      this.addForm.reset();
      await this.refresh();
    } catch (error) {
      showFormErrors(this.addForm, error);
    }
  }

  async import() {
    clearFormErrors(this.importForm);
    const { csv, file } = this.importForm.elements;
    let body;
    if (file.files.length) {
      body = new FormData();
      body.append("file", file.files[0]);
    } else if (csv.value.trim()) {
      body = { csv: csv.value };
    } else {
      showFormErrors(this.importForm, { body: { csv: ["Paste username,email lines, or choose a CSV file."] } });
      return;
    }
    const button = this.importForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const result = await this.api.post(`${this.base}import/`, body);
      this.showImport(result);
      this.showPasswords(newAccounts(result));
      this.importForm.reset();
      await this.refresh();
    } catch (error) {
      showFormErrors(this.importForm, error);
    } finally {
      button.disabled = false;
    }
  }

  showImport(result) {
    const lines = rosterErrorLines(result);
    $("import-result").replaceChildren(
      h("p", { className: "import-summary" }, rosterSummary(result)),
      lines.length
        ? h("ul", { className: "import-errors field-error" }, lines.map((l) => h("li", { dataset: { line: l.line } }, l.text)))
        : null,
    );
  }

  async remove(student, button, error) {
    if (!window.confirm(`Remove ${student.username} from this course? Their labs stay until you delete them.`)) return;
    error.textContent = "";
    button.disabled = true;
    try {
      await this.api.delete(`${this.base}${encodeURIComponent(student.username)}/`);
      await this.refresh();
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  }
}
