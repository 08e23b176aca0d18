/**
 * The dialog that asks before a deletion that is hard to take back: several elements, or running nodes. It
 * lists what goes and says what undo cannot bring back (the files a running container wrote).
 *
 * Division of labour: asks and answers a Promise; what goes and whether to ask is selection.js's deletionPlan.
 */

import { h } from "../lib/dom-builder.js";

/** Resolves to true when the user confirms. @param {{lines: string[], running: object[]}} plan */
export function confirmDeletion(plan) {
  return new Promise((resolve) => {
    const shown = plan.lines.slice(0, 12);
    const more = plan.lines.length - shown.length;
    const dialog = h(
      "dialog",
      { className: "confirm-delete", "aria-label": "confirm deletion" },
      h(
        "form",
        { method: "dialog" },
        h("h3", {}, `Delete ${plan.count} element${plan.count === 1 ? "" : "s"}?`),
        h("ul", { className: "delete-list" }, shown.map((line) => h("li", {}, line)), more > 0 ? h("li", {}, `… and ${more} more`) : null),
        h(
          "p",
          { className: "muted" },
          plan.running.length
            ? "Undo (Ctrl-Z) brings the nodes back with their settings and links, stopped; what their containers " +
                "wrote while running (files, logs) is lost."
            : "Undo (Ctrl-Z) brings them back with their settings and links.",
        ),
        h(
          "div",
          { className: "dialog-buttons" },
          h("button", { type: "submit", value: "delete", className: "danger", id: "confirm-delete-yes" }, "Delete"),
          h("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel"),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      const yes = dialog.returnValue === "delete";
      dialog.remove();
      resolve(yes);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("button[value=cancel]").focus();
  });
}
