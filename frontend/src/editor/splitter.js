/**
 * A drag handle between two panes that sets the width of one of them, kept within limits and remembered
 * (localStorage) for the next visit; the keyboard moves it too (arrow keys, 20 px a press).
 *
 * Division of labour: sizes one pane (`pane.style.width`); `limits()` gives the pane's current minimum and
 * maximum, so the page decides what must stay usable (the canvas never shrinks below its minimum).
 */

/** The width within [min, max]; a max below min yields min. */
export function clampWidth(width, min, max) {
  return Math.round(Math.max(min, Math.min(Math.max(min, max), width)));
}

export class Splitter {
  /**
   * @param {HTMLElement} handle the element the user drags
   * @param {HTMLElement} pane the pane whose width it sets
   * @param {{side: "left"|"right", limits: () => {min: number, max: number}, key?: string, onResize?: () => void}} options
   *   side: where the pane is relative to the handle ("right": dragging left widens the pane)
   */
  constructor(handle, pane, { side = "right", limits, key, onResize = () => {} }) {
    this.handle = handle;
    this.pane = pane;
    this.side = side;
    this.limits = limits;
    this.key = key;
    this.onResize = onResize;
    const saved = key ? Number(window.localStorage?.getItem(key)) : 0;
    if (saved > 0) this.set(saved);
    handle.setAttribute("role", "separator");
    handle.setAttribute("aria-orientation", "vertical");
    handle.tabIndex = 0;
    this.bind();
  }

  set(width) {
    const { min, max } = this.limits();
    const value = clampWidth(width, min, max);
    this.pane.style.width = `${value}px`;
    this.pane.style.flex = "none";
    this.handle.setAttribute("aria-valuenow", String(value));
    this.onResize(value);
    return value;
  }

  save() {
    if (this.key) window.localStorage?.setItem(this.key, String(this.pane.getBoundingClientRect().width));
  }

  /** Re-applies the limits (after the window or a neighbouring pane changed size). */
  refresh() {
    if (this.pane.style.width) this.set(parseFloat(this.pane.style.width));
  }

  bind() {
    let start = null;
    this.handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      this.handle.setPointerCapture(event.pointerId);
      start = { x: event.clientX, width: this.pane.getBoundingClientRect().width };
      document.body.classList.add("resizing");
    });
    this.handle.addEventListener("pointermove", (event) => {
      if (!start) return;
      const dx = event.clientX - start.x;
      this.set(this.side === "right" ? start.width - dx : start.width + dx);
    });
    const end = () => {
      if (!start) return;
      start = null;
      document.body.classList.remove("resizing");
      this.save();
    };
    this.handle.addEventListener("pointerup", end);
    this.handle.addEventListener("pointercancel", end);
    this.handle.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      event.preventDefault();
      const grow = (event.key === "ArrowLeft") === (this.side === "right") ? 20 : -20;
      this.set(this.pane.getBoundingClientRect().width + grow);
      this.save();
    });
  }
}
