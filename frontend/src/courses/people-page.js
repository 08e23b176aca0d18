/**
 * Staff's people page (/people/): every account, a form that creates one (its password shown once, and
 * downloadable with the others made on this page as CSV), and "Reset password" and "Delete" (asked first) on each row.
 */

import { h } from "../lib/dom-builder.js";
import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";
import { downloadText, passwordsCsv } from "./password-csv.js";

const $ = (id) => document.getElementById(id);

export class PeoplePage {
  constructor(api) {
    this.api = api;
    this.issued = []; // passwords issued on this page, for the CSV: the server keeps only hashes
    this.form = $("new-user-form");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.create();
    });
    $("btn-passwords-csv").addEventListener("click", () => downloadText("passwords.csv", passwordsCsv(this.issued)));
  }

  async start() {
    try {
      const users = await this.api.list("/people/");
      $("user-rows").replaceChildren(...users.map((u) => this.row(u)));
    } catch (error) {
      $("page-error").textContent = error.status === 403 ? "Only staff manage accounts." : `Users could not be loaded: ${error.message}`;
    }
  }

  row(user) {
    const error = h("div", { className: "field-error", role: "alert" });
    return h(
      "tr",
      { dataset: { username: user.username } },
      h("td", { className: "cut", title: user.username }, user.username),
      h("td", { className: "cut", title: user.email }, user.email),
      h("td", {}, user.is_staff ? "staff" : ""),
      h("td", {}, String(user.courses)),
      h("td", { className: "muted" }, user.last_login ? new Date(user.last_login).toLocaleString() : "never"),
      h(
        "td",
        {},
        h(
          "div",
          { className: "row-actions" },
          h("button", { type: "button", onclick: (e) => this.reset(user, e.target, error) }, "Reset password"),
          h("button", { type: "button", className: "danger delete-user", onclick: (e) => this.remove(user, e.target, error) }, "Delete"),
        ),
        error,
      ),
    );
  }

  issue(row) {
    this.issued.push(row);
    $("issued-rows").append(h("tr", { dataset: { username: row.username } }, h("td", {}, row.username), h("td", {}, row.email), h("td", {}, h("code", { className: "password" }, row.password))));
    $("issued").hidden = false;
  }

  async create() {
    clearFormErrors(this.form);
    const { username, email, is_staff: isStaff } = this.form.elements;
    try {
      const row = await this.api.post("/people/", { username: username.value.trim(), email: email.value.trim(), is_staff: isStaff.checked });
      this.issue(row);
      this.form.reset();
      await this.start();
    } catch (error) {
      showFormErrors(this.form, error);
    }
  }

  /** Deletes the account after asking; its projects go too and their hosts remove the containers. */
  async remove(user, button, error) {
    const question =
      `Delete the account ${user.username} and every project it owns?\n` +
      "Its running labs are stopped and removed from their hosts. This cannot be undone.";
    if (!window.confirm(question)) return;
    error.textContent = "";
    button.disabled = true;
    try {
      await this.api.delete(`/people/${encodeURIComponent(user.username)}/`);
      button.closest("tr").remove();
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  }

  async reset(user, button, error) {
    if (!window.confirm(`Give ${user.username} a new password? The old one stops working now.`)) return;
    error.textContent = "";
    button.disabled = true;
    try {
      this.issue(await this.api.post(`/people/${encodeURIComponent(user.username)}/reset-password/`));
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }
}
