/**
 * The notice bar above the canvas: errors that belong to no single input ("r1 could not start: ..."), and short
 * confirmations. Errors stay until dismissed; information fades after a few seconds.
 */

import { h } from "../lib/dom-builder.js";

export class Notices {
  constructor(container) {
    this.container = container;
  }

  show(text, kind = "error") {
    const item = h(
      "div",
      { className: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
      h("span", { className: "notice-text" }, text),
      h("button", { type: "button", className: "notice-close", "aria-label": "dismiss", onclick: () => item.remove() }, "×"),
    );
    this.container.append(item);
    if (kind !== "error") setTimeout(() => item.remove(), 4000);
    // Keep the bar short: the oldest notices go first.
    while (this.container.children.length > 4) this.container.firstElementChild.remove();
    return item;
  }

  error(text) {
    return this.show(text, "error");
  }

  info(text) {
    return this.show(text, "info");
  }
}
