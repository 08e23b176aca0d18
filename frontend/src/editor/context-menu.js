/**
 * A right-click menu of actions at a screen point; closes on choice, click elsewhere or Escape.
 */

import { h } from "../lib/dom-builder.js";

export class ContextMenu {
  constructor() {
    this.el = h("ul", { className: "context-menu", role: "menu", hidden: true });
    document.body.append(this.el);
    document.addEventListener("mousedown", (event) => {
      if (!this.el.contains(event.target)) this.hide();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hide();
    });
  }

  /** items: [{label, action, disabled?, title?}] */
  show(items, clientX, clientY) {
    this.el.replaceChildren(
      ...items.map((item) =>
        h(
          "li",
          { role: "menuitem" },
          h(
            "button",
            {
              type: "button",
              disabled: item.disabled,
              title: item.title,
              onclick: () => {
                this.hide();
                item.action();
              },
            },
            item.label,
          ),
        ),
      ),
    );
    this.el.hidden = false;
    const { innerWidth, innerHeight } = window;
    const rect = this.el.getBoundingClientRect();
    this.el.style.left = `${Math.min(clientX, innerWidth - rect.width - 4)}px`;
    this.el.style.top = `${Math.min(clientY, innerHeight - rect.height - 4)}px`;
  }

  hide() {
    this.el.hidden = true;
  }
}
