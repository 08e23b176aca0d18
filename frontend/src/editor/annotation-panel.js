/**
 * The side panel for one annotation: its text, colour, size, font size and stacking, and Delete.
 *
 * Division of labour: draws one annotation from the store and calls back the editor with the fields that
 * changed (`change(id, fields)`, which makes the undoable request); API refusals are shown under the form.
 */

import { h } from "../lib/dom-builder.js";
import { PALETTE } from "./annotations.js";

const KIND_NAMES = { text: "Text note", rect: "Rectangle", ellipse: "Ellipse" };

export class AnnotationPanel {
  /**
   * @param {HTMLElement} container
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {{change: (id, fields) => Promise, remove: (id) => void}} on
   */
  constructor(container, store, on, annotationId) {
    this.container = container;
    this.store = store;
    this.on = on;
    this.id = annotationId;
    this.render();
  }

  get annotation() {
    return this.store.annotations.get(this.id);
  }

  render() {
    const a = this.annotation;
    if (!a) {
      this.container.replaceChildren(h("p", { className: "muted" }, "This annotation was deleted."));
      return;
    }
    this.error = h("div", { className: "field-error form-error", role: "alert" });
    this.text = h("textarea", { name: "text", rows: 3, maxlength: 4096 }, a.text || "");
    this.width = h("input", { name: "width", type: "number", min: 4, max: 100000, step: 1, value: Math.round(a.width) });
    this.height = h("input", { name: "height", type: "number", min: 4, max: 100000, step: 1, value: Math.round(a.height) });
    this.fontSize = h("input", { name: "font_size", type: "number", min: 6, max: 96, value: a.style?.font_size || 14 });
    const swatches = h(
      "div",
      { className: "swatches", role: "group", "aria-label": "colour" },
      PALETTE.map((c) =>
        h("button", {
          type: "button",
          className: "swatch",
          title: c.name,
          "aria-label": c.name,
          dataset: { colour: c.name },
          style: { background: c.fill, borderColor: c.stroke },
          onclick: () => this.setColour(c),
        }),
      ),
    );
    const form = h(
      "form",
      { className: "annotation-form", onsubmit: (event) => this.submit(event) },
      h("label", {}, a.kind === "text" ? "Text" : "Label", this.text),
      h("div", { className: "size-row" }, h("label", {}, "Width", this.width), h("label", {}, "Height", this.height), h("label", {}, "Font", this.fontSize)),
      h("div", {}, h("span", { className: "muted" }, "Colour "), swatches),
      h(
        "div",
        { className: "button-row" },
        h("button", { type: "submit", className: "primary" }, "Apply"),
        h("button", { type: "button", onclick: () => this.restack(1), title: "Draw above other annotations" }, "To front"),
        h("button", { type: "button", onclick: () => this.restack(-1), title: "Draw below other annotations" }, "To back"),
        h("button", { type: "button", className: "danger", onclick: () => this.on.remove(this.id) }, "Delete"),
      ),
      this.error,
    );
    this.container.replaceChildren(h("h2", {}, KIND_NAMES[a.kind] || "Annotation"), form, h("p", { className: "muted" }, "Drag it to move it; drag its corner handle to resize it. Double-click to edit its text."));
  }

  /** Redraws from the store unless the user is typing in the form. */
  update() {
    if (this.container.contains(document.activeElement) && document.activeElement.matches("input, textarea")) return;
    this.render();
  }

  focusText() {
    this.text?.focus();
    this.text?.select();
  }

  async apply(fields) {
    this.error.textContent = "";
    try {
      await this.on.change(this.id, fields);
    } catch (error) {
      this.error.textContent = error.message;
    }
  }

  submit(event) {
    event.preventDefault();
    const a = this.annotation;
    const fields = {};
    if (this.text.value !== (a.text || "")) fields.text = this.text.value;
    for (const [key, input] of [["width", this.width], ["height", this.height]]) {
      const value = Number(input.value);
      if (value !== Math.round(a[key])) fields[key] = value;
    }
    const font = Number(this.fontSize.value);
    if (font !== (a.style?.font_size || 14)) fields.style = { ...a.style, font_size: font };
    if (Object.keys(fields).length) this.apply(fields);
  }

  setColour(colour) {
    const a = this.annotation;
    const style = a.kind === "text" ? { ...a.style, color: colour.stroke } : { ...a.style, fill: colour.fill, stroke: colour.stroke };
    this.apply({ style });
  }

  restack(direction) {
    const zs = [...this.store.annotations.values()].map((x) => Number(x.z) || 0);
    const z = direction > 0 ? Math.min(1000, Math.max(...zs) + 1) : Math.max(-1000, Math.min(...zs) - 1);
    this.apply({ z });
  }
}
