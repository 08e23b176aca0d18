/**
 * A drag handle between two panes that sets the size of one of them — its width beside the handle, or its height
 * under it — kept within limits and remembered (localStorage) for the next visit; the keyboard moves it too (arrow
 * keys, 20 px a press).
 *
 * Division of labour: sizes one pane (its flex basis, so that the pane may still shrink when the window has less
 * room than all panes' sizes together, instead of pushing the page wider); `limits()` gives the pane's current
 * minimum and maximum, so the page decides what must stay usable (the canvas never shrinks below its minimum).
 */

/** The width within [min, max]; a max below min yields min. */
export function clampWidth(width, min, max) {
  return Math.round(Math.max(min, Math.min(Math.max(min, max), width)));
}

export class Splitter {
  /**
   * @param {HTMLElement} handle the element the user drags
   * @param {HTMLElement} pane the pane whose size it sets
   * @param {{side: "left"|"right"|"bottom", limits: () => {min: number, max: number}, key?: string, onResize?: () => void}} options
   *   side: where the pane is relative to the handle ("right": dragging left widens the pane; "bottom": the
   *   pane is under the handle and dragging up makes it taller)
   */
  constructor(handle, pane, { side = "right", limits, key, onResize = () => {} }) {
    this.handle = handle;
    this.pane = pane;
    this.side = side;
    this.vertical = side === "bottom";
    this.limits = limits;
    this.key = key;
    this.onResize = onResize;
    this.size = 0;
    const saved = key ? Number(window.localStorage?.getItem(key)) : 0;
    if (saved > 0) this.set(saved);
    handle.setAttribute("role", "separator");
    handle.setAttribute("aria-orientation", this.vertical ? "horizontal" : "vertical");
    handle.tabIndex = 0;
    this.bind();
  }

  current() {
    const box = this.pane.getBoundingClientRect();
    return this.vertical ? box.height : box.width;
  }

  set(size) {
    const { min, max } = this.limits();
    const value = clampWidth(size, min, max);
    this.size = value;
    this.pane.style.flex = `0 1 ${value}px`;
    this.handle.setAttribute("aria-valuenow", String(value));
    this.onResize(value);
    return value;
  }

  save() {
    if (this.key) window.localStorage?.setItem(this.key, String(Math.round(this.current())));
  }

  /** Re-applies the limits (after the window or a neighbouring pane changed size). */
  refresh() {
    if (this.size) this.set(this.size);
  }

  bind() {
    let start = null;
    const at = (event) => (this.vertical ? event.clientY : event.clientX);
    this.handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      this.handle.setPointerCapture(event.pointerId);
      start = { at: at(event), size: this.current() };
      document.body.classList.add(this.vertical ? "resizing-rows" : "resizing");
    });
    this.handle.addEventListener("pointermove", (event) => {
      if (!start) return;
      const delta = at(event) - start.at;
      this.set(this.side === "left" ? start.size + delta : start.size - delta);
    });
    const end = () => {
      if (!start) return;
      start = null;
      document.body.classList.remove("resizing", "resizing-rows");
      this.save();
    };
    this.handle.addEventListener("pointerup", end);
    this.handle.addEventListener("pointercancel", end);
    this.handle.addEventListener("keydown", (event) => {
      const keys = this.vertical ? ["ArrowUp", "ArrowDown"] : ["ArrowLeft", "ArrowRight"];
      if (!keys.includes(event.key)) return;
      event.preventDefault();
      const towardsHandle = event.key === keys[0];
      const grow = towardsHandle === (this.side !== "left") ? 20 : -20;
      this.set(this.current() + grow);
      this.save();
    });
  }
}
