/**
 * The corner handle that resizes the one selected annotation: shown at its bottom-right corner, dragged with the
 * mouse; the top-left corner stays put. The shape follows the drag at once and the new size is reported when
 * the mouse is released.
 *
 * Division of labour: a DOM handle over the Cytoscape canvas, kept in place on viewport and element changes;
 * it never calls the API (`resized(id, {x, y, width, height})` goes to editor.js, which makes the request).
 */

import { topLeft } from "./annotations.js";

const MIN = 8;

export class AnnotationResizer {
  constructor(container, cy, resized) {
    this.container = container;
    this.cy = cy;
    this.resized = resized;
    this.handle = document.createElement("div");
    this.handle.className = "annotation-handle";
    this.handle.title = "drag to resize";
    this.handle.hidden = true;
    container.append(this.handle);
    const place = () => this.place();
    cy.on("select unselect remove", place);
    cy.on("viewport", place);
    cy.on("position data", "node.annotation", place);
    this.bindDrag();
  }

  /** The one selected annotation, or null. */
  target() {
    const selected = this.cy.$(":selected");
    return selected.length === 1 && selected.hasClass("annotation") ? selected[0] : null;
  }

  place() {
    const el = this.dragging || this.target();
    if (!el || el.removed()) {
      this.handle.hidden = true;
      return;
    }
    const zoom = this.cy.zoom();
    const p = el.renderedPosition();
    this.handle.hidden = false;
    this.handle.style.left = `${p.x + (el.data("w") * zoom) / 2 - 6}px`;
    this.handle.style.top = `${p.y + (el.data("h") * zoom) / 2 - 6}px`;
  }

  bindDrag() {
    for (const type of ["mousedown", "mouseup", "click", "touchstart"]) {
      this.handle.addEventListener(type, (event) => event.stopPropagation());
    }
    this.handle.addEventListener("pointerdown", (event) => {
      const el = this.target();
      if (!el) return;
      event.preventDefault();
      this.handle.setPointerCapture(event.pointerId);
      this.dragging = el;
      this.corner = topLeft(el.position(), el.data("w"), el.data("h"));
      this.before = { w: el.data("w"), h: el.data("h") };
    });
    this.handle.addEventListener("pointermove", (event) => {
      const el = this.dragging;
      if (!el) return;
      const rect = this.container.getBoundingClientRect();
      const pan = this.cy.pan();
      const zoom = this.cy.zoom();
      const x = (event.clientX - rect.left - pan.x) / zoom;
      const y = (event.clientY - rect.top - pan.y) / zoom;
      const w = Math.max(MIN, Math.round(x - this.corner.x));
      const h = Math.max(MIN, Math.round(y - this.corner.y));
      el.data({ w, h });
      el.position({ x: this.corner.x + w / 2, y: this.corner.y + h / 2 });
    });
    this.handle.addEventListener("pointerup", () => {
      const el = this.dragging;
      this.dragging = null;
      if (!el) return;
      const { w, h } = { w: el.data("w"), h: el.data("h") };
      if (w !== this.before.w || h !== this.before.h) this.resized(el.id(), { ...this.corner, width: w, height: h });
      this.place();
    });
  }
}
