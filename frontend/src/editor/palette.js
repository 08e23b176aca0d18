/**
 * The template palette: one entry per template from GET /api/templates/, dragged onto the canvas or clicked
 * to drop a node in the middle of the view.
 *
 * Division of labour: lists templates and reports the user's choice (template, and a drop point or none);
 * naming and creating the node is the editor's job.
 */

import { h } from "../lib/dom-builder.js";
import { TEMPLATE_MIME } from "./canvas.js";

const KIND_BADGES = { docker: "▣", bridge: "▭", ovs: "⬡" };

export class Palette {
  /**
   * @param {HTMLElement} container
   * @param {(template: object) => void} onPick click on an entry
   */
  constructor(container, onPick) {
    this.container = container;
    this.onPick = onPick;
    this.templates = new Map();
  }

  show(templates) {
    this.templates = new Map(templates.map((t) => [String(t.id), t]));
    this.container.replaceChildren(
      ...templates.map((template) =>
        h(
          "button",
          {
            type: "button",
            className: `palette-item kind-${template.kind}`,
            draggable: "true",
            dataset: { templateId: template.id, templateName: template.name },
            title: `${template.name} (${template.kind}${template.image ? `, ${template.image}` : ""}): drag onto the canvas, or click`,
            ondragstart: (event) => {
              event.dataTransfer.setData(TEMPLATE_MIME, String(template.id));
              event.dataTransfer.effectAllowed = "copy";
            },
            onclick: () => this.onPick(template),
          },
          h("span", { className: "palette-icon" }, KIND_BADGES[template.kind] || "▣"),
          h("span", { className: "palette-name" }, template.name),
        ),
      ),
    );
    if (!templates.length) this.container.append(h("p", { className: "muted" }, "No templates yet."));
  }

  showError(message) {
    this.container.replaceChildren(h("p", { className: "field-error" }, `Templates could not be loaded: ${message}`));
  }

  template(id) {
    return this.templates.get(String(id));
  }
}
