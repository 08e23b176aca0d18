/**
 * The small dialog that asks which ports a new link joins, preselecting each node's next free port.
 *
 * Division of labour: asks and answers a Promise; which ports are free comes from lib/ports.js.
 */

import { h } from "../lib/dom-builder.js";

/** Resolves to {portA, portB}, or null when the user cancels. */
export function askPorts(nodeA, freeA, nodeB, freeB) {
  return new Promise((resolve) => {
    const selectA = h("select", { name: "port-a" }, freeA.map((p) => h("option", { value: p }, p)));
    const selectB = h("select", { name: "port-b" }, freeB.map((p) => h("option", { value: p }, p)));
    const dialog = h(
      "dialog",
      { className: "port-prompt" },
      h(
        "form",
        { method: "dialog" },
        h("h3", {}, "New link"),
        h("label", {}, h("span", {}, nodeA.name), selectA),
        h("label", {}, h("span", {}, nodeB.name), selectB),
        h(
          "div",
          { className: "dialog-buttons" },
          h("button", { type: "submit", value: "link", className: "primary" }, "Link"),
          h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel"),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      const answer = dialog.returnValue === "link" ? { portA: selectA.value, portB: selectB.value } : null;
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("button.primary").focus();
  });
}
