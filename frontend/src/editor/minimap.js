/**
 * The minimap: a small overview of the whole lab in a corner of the canvas, with the visible area framed;
 * clicking or dragging in it moves the view there.
 *
 * Division of labour: reads node positions and the viewport from Cytoscape and draws on its own <canvas>; it
 * never changes the lab. Written here rather than taken from cytoscape-navigator (2.0.2, the only such
 * extension): that one renders a full-size PNG of the graph (cy.png with bounding boxes of every label) on
 * every render, throttled to 10 per second, which stalls panning on a 1000-node lab. Here node dots are drawn
 * once per change into an offscreen bitmap, and a viewport change only copies it and strokes the frame.
 */

import { STATUS_COLOURS } from "../lib/graph-elements.js";
import { boundsOf } from "./grid.js";

const WIDTH = 180;
const HEIGHT = 120;
const PAD = 60; // model units around the lab, so nodes on the edge show whole

export class Minimap {
  /** @param {HTMLElement} container the canvas section @param {object} cy the Cytoscape instance */
  constructor(container, cy) {
    this.cy = cy;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "minimap";
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.canvas.setAttribute("aria-label", "minimap: click or drag to move the view");
    this.canvas.setAttribute("role", "img");
    container.append(this.canvas);
    this.dots = document.createElement("canvas");
    this.dots.width = WIDTH;
    this.dots.height = HEIGHT;
    this.scale = 1;
    this.origin = { x: 0, y: 0 };
    this.dirty = true;
    const soon = () => this.schedule(true);
    cy.on("add remove position data", soon);
    cy.on("viewport resize", () => this.schedule(false));
    this.bindPointer();
    this.schedule(true);
  }

  set visible(on) {
    this.canvas.hidden = !on;
    if (on) this.schedule(true);
  }

  get visible() {
    return !this.canvas.hidden;
  }

  schedule(dotsChanged) {
    if (dotsChanged) this.dirty = true;
    if (this.frame || this.canvas.hidden) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      if (this.dirty) {
        // Dragging a node fires "position" per frame: redraw the dots at most a few times a second.
        const now = performance.now();
        if (this.lastDots && now - this.lastDots < 250) {
          clearTimeout(this.dotsTimer);
          this.dotsTimer = setTimeout(() => this.schedule(true), 260);
        } else {
          this.lastDots = now;
          this.drawDots();
          this.dirty = false;
        }
      }
      this.drawFrame();
    });
  }

  drawDots() {
    const nodes = this.cy.nodes();
    const bounds = boundsOf(nodes.map((n) => n.position())) || { x1: 0, y1: 0, x2: 100, y2: 100 };
    const w = bounds.x2 - bounds.x1 + 2 * PAD;
    const h = bounds.y2 - bounds.y1 + 2 * PAD;
    this.scale = Math.min(WIDTH / w, HEIGHT / h);
    this.origin = {
      x: bounds.x1 - PAD - (WIDTH / this.scale - w) / 2,
      y: bounds.y1 - PAD - (HEIGHT / this.scale - h) / 2,
    };
    const ctx = this.dots.getContext("2d");
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const size = Math.max(2, Math.min(6, 40 * this.scale));
    nodes.forEach((n) => {
      const p = n.position();
      const x = (p.x - this.origin.x) * this.scale;
      const y = (p.y - this.origin.y) * this.scale;
      if (n.hasClass("annotation")) {
        ctx.strokeStyle = "#bdc1c6";
        ctx.strokeRect(x - (n.width() * this.scale) / 2, y - (n.height() * this.scale) / 2, n.width() * this.scale, n.height() * this.scale);
      } else {
        ctx.fillStyle = STATUS_COLOURS[n.data("status")] || STATUS_COLOURS.stopped;
        ctx.fillRect(x - size / 2, y - size / 2, size, size);
      }
    });
  }

  drawFrame() {
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.drawImage(this.dots, 0, 0);
    const e = this.cy.extent();
    ctx.strokeStyle = "#1a73e8";
    ctx.lineWidth = 1.5;
    ctx.strokeRect((e.x1 - this.origin.x) * this.scale, (e.y1 - this.origin.y) * this.scale, e.w * this.scale, e.h * this.scale);
  }

  /** The model point under a minimap pixel. */
  modelAt(offsetX, offsetY) {
    return { x: offsetX / this.scale + this.origin.x, y: offsetY / this.scale + this.origin.y };
  }

  centreOn(point) {
    const zoom = this.cy.zoom();
    this.cy.pan({ x: this.cy.width() / 2 - point.x * zoom, y: this.cy.height() / 2 - point.y * zoom });
  }

  bindPointer() {
    let dragging = false;
    const move = (event) => this.centreOn(this.modelAt(event.offsetX, event.offsetY));
    // The minimap sits inside Cytoscape's container: keep its clicks from also panning or selecting there.
    for (const type of ["mousedown", "mouseup", "click", "dblclick", "wheel", "touchstart", "contextmenu"]) {
      this.canvas.addEventListener(type, (event) => event.stopPropagation());
    }
    this.canvas.addEventListener("pointerdown", (event) => {
      dragging = true;
      this.canvas.setPointerCapture(event.pointerId);
      move(event);
    });
    this.canvas.addEventListener("pointermove", (event) => dragging && move(event));
    this.canvas.addEventListener("pointerup", () => {
      dragging = false;
    });
  }
}
