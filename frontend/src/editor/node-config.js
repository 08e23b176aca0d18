/**
 * The node panel's "Configuration" section: the node's files in a code editor (CodeMirror 6, line numbers,
 * undo, search), startup lines, environment, adapters, CPUs and memory; "Save configuration" and, on a running
 * node, "Save running config" (reads chosen files back from the node into the project).
 *
 * Division of labour: this view reads the node through the REST API, keeps the unsaved edits, and shows each
 * refusal beside its field; the rules (what a path may be, how the PATCH body is made) live in
 * lib/node-config-form.js. Changes apply at the node's next start: files are written into the container before
 * its processes start, on every start.
 */

import { EditorState } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";
import { h } from "../lib/dom-builder.js";
import { clearFormErrors, showFormErrors } from "../lib/form-errors.js";
import { changedPaths, fileEntries, formatEnvironment, patchBody, pathProblem } from "../lib/node-config-form.js";

export class NodeConfig {
  /**
   * @param {HTMLElement} container
   * @param {{api: import("../lib/api-client.js").ApiClient, projectId: string, template: object|undefined,
   *          saved?: (node: object) => void}} context
   * @param {string} nodeId
   */
  constructor(container, context, nodeId) {
    this.container = container;
    this.context = context;
    this.nodeId = nodeId;
    this.edited = {}; // path → text the user changed or added, not yet saved
    this.removed = new Set();
    this.current = null; // the selected path
    this.container.replaceChildren(h("p", { className: "muted" }, "Loading configuration…"));
    this.load();
  }

  get url() {
    return `/projects/${this.context.projectId}/nodes/${this.nodeId}/`;
  }

  async load() {
    try {
      this.node = await this.context.api.get(this.url);
    } catch (error) {
      this.container.replaceChildren(h("p", { className: "field-error" }, `Cannot read the configuration: ${error.message}`));
      return;
    }
    this.node.template_files = this.context.template?.files || {};
    this.edited = {};
    this.removed = new Set();
    this.render();
  }

  entries() {
    const entries = fileEntries(this.node).filter((e) => !this.removed.has(e.path) || e.source !== "node");
    for (const path of Object.keys(this.edited)) {
      if (!entries.some((e) => e.path === path)) entries.push({ path, text: this.edited[path], source: "node" });
    }
    return entries.sort((a, b) => a.path.localeCompare(b.path));
  }

  render() {
    const node = this.node;
    const entries = this.entries();
    if (!this.current || !entries.some((e) => e.path === this.current)) this.current = entries[0]?.path || null;
    this.fileSelect = h(
      "select",
      { name: "file", "aria-label": "File", onchange: () => this.select(this.fileSelect.value) },
      entries.map((e) =>
        h("option", { value: e.path, selected: e.path === this.current }, `${e.path}${e.source === "template" ? " (template)" : ""}`),
      ),
    );
    this.editorSlot = h("div", { className: "code-editor", "data-path": this.current || "" });
    this.newPath = h("input", { name: "new_path", placeholder: "/etc/example.conf", autocomplete: "off" });
    this.startup = h("textarea", { name: "startup", rows: 4, spellcheck: "false" }, (node.startup || []).join("\n"));
    this.environment = h("textarea", { name: "environment", rows: 3, spellcheck: "false" }, formatEnvironment(node.environment));
    const number = (name, value, attrs) => h("input", { type: "number", name, value: value ?? "", ...attrs });
    this.adapters = number("adapters", node.adapters ?? (node.ports || []).length, { min: 1, max: 64 });
    this.cpus = number("cpus", node.cpus, { min: 0.1, step: 0.1, placeholder: "template's" });
    this.memory = number("memory_mb", node.memory_mb, { min: 16, step: 16, placeholder: "template's" });
    const slot = (name) => h("div", { className: "field-error", "data-for": name });
    const running = node.status === "started";
    this.form = h(
      "form",
      { className: "node-config-form", onsubmit: (event) => this.save(event) },
      h("div", { className: "file-row" }, this.fileSelect,
        h("button", { type: "button", disabled: !this.current, onclick: () => this.removeCurrent() }, "Remove")),
      slot("files"),
      this.editorSlot,
      h("div", { className: "file-row" }, this.newPath, h("button", { type: "button", onclick: () => this.addFile() }, "Add file")),
      slot("new_path"),
      h("label", {}, "Startup lines (run after links are up)", this.startup),
      slot("startup"),
      h("label", {}, "Environment (KEY=value per line)", this.environment),
      slot("environment"),
      h("div", { className: "number-row" },
        h("label", {}, "Adapters", this.adapters), h("label", {}, "CPUs", this.cpus), h("label", {}, "Memory MB", this.memory)),
      slot("adapters"), slot("cpus"), slot("memory_mb"),
      slot("_form"),
      h("div", { className: "button-row" },
        h("button", { type: "submit", className: "primary" }, "Save configuration"),
        h("button", {
          type: "button", disabled: !running, title: running ? "" : "the node must be running",
          onclick: () => this.saveRunning(),
        }, "Save running config")),
      this.saveNote = h("div", { className: "muted save-note", role: "status" }),
    ); // prettier-ignore
    this.container.replaceChildren(
      h("h3", {}, "Configuration"),
      h("p", { className: "muted" },
        "Applied at the node's next start: files are written into the node before its processes start, on every " +
        "start; a file the node does not name keeps the template's. A renamed node gets its new hostname on its next start."),
      this.form,
    ); // prettier-ignore
    this.mountEditor();
  }

  mountEditor() {
    this.view?.destroy();
    this.view = null;
    this.editorSlot.dataset.path = this.current || "";
    if (!this.current) {
      this.editorSlot.replaceChildren(h("p", { className: "muted" }, "No files. Add one below."));
      return;
    }
    const entry = this.entries().find((e) => e.path === this.current);
    const path = this.current;
    this.view = new EditorView({
      parent: this.editorSlot,
      state: EditorState.create({
        doc: path in this.edited ? this.edited[path] : entry?.text || "",
        extensions: [
          basicSetup,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) this.edited[path] = update.state.doc.toString();
          }),
        ],
      }),
    });
  }

  select(path) {
    this.current = path;
    this.mountEditor();
  }

  addFile() {
    const path = this.newPath.value.trim();
    clearFormErrors(this.form);
    const problem = pathProblem(path) || (this.entries().some((e) => e.path === path) ? "that file is already there" : "");
    if (problem) {
      this.form.querySelector('[data-for="new_path"]').textContent = problem;
      return;
    }
    this.edited[path] = "";
    this.removed.delete(path);
    this.current = path;
    this.render();
  }

  removeCurrent() {
    if (!this.current) return;
    delete this.edited[this.current];
    this.removed.add(this.current);
    this.render();
  }

  formValues() {
    return {
      edited: this.edited,
      removed: [...this.removed],
      startup: this.startup.value,
      environment: this.environment.value,
      adapters: this.adapters.value,
      cpus: this.cpus.value,
      memory_mb: this.memory.value,
    };
  }

  async save(event) {
    event?.preventDefault();
    clearFormErrors(this.form);
    let body;
    try {
      body = patchBody(this.node, this.formValues());
    } catch (error) {
      this.form.querySelector('[data-for="environment"]').textContent = error.message;
      return;
    }
    try {
      await this.context.api.patch(this.url, body);
    } catch (error) {
      showFormErrors(this.form, error);
      return;
    }
    await this.load();
    this.saveNote.textContent = "Saved. It applies at the node's next start.";
    this.context.saved?.(this.node);
  }

  async saveRunning() {
    clearFormErrors(this.form);
    const before = { ...(this.node.files || {}) };
    const paths = this.entries().map((e) => e.path);
    try {
      await this.context.api.post(`${this.url}save-config/`, { paths });
    } catch (error) {
      showFormErrors(this.form, error);
      return;
    }
    await this.load();
    const changed = changedPaths(before, this.node.files);
    this.saveNote.textContent = changed.length
      ? `Read back from the running node: ${changed.join(", ")} changed.`
      : "Read back from the running node: no file changed.";
  }

  destroy() {
    this.view?.destroy();
  }
}
