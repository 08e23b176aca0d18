/**
 * What the editor gains when its lab belongs to a course: the instructions panel (with "Check my work") and,
 * when a teacher resets the lab, a banner saying so while the lab reloads in place (same project, new nodes).
 *
 * Division of labour: the editor calls `mountClassroom(editor)` once; this module reads the editor's api, store,
 * socket and project id, and owns the rest. The reset arrives as a `project.reset` event through the store.
 */

import { h } from "../lib/dom-builder.js";
import { mountInstructions } from "./instructions-panel.js";

export const RESET_TEXT = "Your teacher reset this lab: it is back to the original, and has been reloaded.";

export function showResetBanner(by) {
  document.getElementById("reset-banner")?.remove();
  const banner = h(
    "div",
    { id: "reset-banner", className: "reset-banner", role: "alert" },
    h("span", {}, by ? `${RESET_TEXT} (${by})` : RESET_TEXT),
    h("button", { type: "button", "aria-label": "dismiss", onclick: () => banner.remove() }, "×"),
  );
  // Over the canvas, not over the page: fixed to the window it covered the terminal tabs' close buttons.
  (document.getElementById("canvas") || document.body).append(banner);
  return banner;
}

export function mountClassroom(editor) {
  editor.store.subscribe((change) => {
    if (change.type !== "project.reset") return;
    showResetBanner(change.by);
    // Everything the editor holds names nodes that no longer exist: take the server's fresh snapshot.
    editor.store.expectSnapshot();
    editor.socket.resync();
  });
  return mountInstructions(editor.api, editor.projectId, document.getElementById("side-column"));
}
