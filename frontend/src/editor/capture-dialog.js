/**
 * The dialog that starts a capture on a link: which end (each named by its node and port) and a capture filter
 * (BPF, tcpdump's syntax). The server's refusal (a filter libpcap cannot compile, a limit) is shown in the dialog
 * under the field it concerns, and the dialog stays open until a capture starts or the user cancels.
 *
 * Division of labour: asks, and calls `start(body)` which returns the created capture or throws an ApiError.
 */

import { h } from "../lib/dom-builder.js";
import { errorText } from "../lib/api-client.js";

/** Resolves to the created capture, or null when cancelled. */
export function askCapture(endNames, start) {
  return new Promise((resolve) => {
    const end = h(
      "select",
      { name: "end" },
      h("option", { value: "a" }, endNames.a),
      h("option", { value: "b" }, endNames.b),
    );
    const filter = h("input", { type: "text", name: "filter", placeholder: "e.g. icmp or arp (empty: everything)", size: 32 });
    const filterError = h("div", { className: "field-error", "data-for": "filter" });
    const formError = h("div", { className: "field-error", "data-for": "_form", role: "alert" });
    const submit = h("button", { type: "submit", className: "primary" }, "Start capture");
    let outcome = null;
    const dialog = h(
      "dialog",
      { className: "capture-dialog" },
      h(
        "form",
        {
          onsubmit: async (event) => {
            event.preventDefault();
            filterError.textContent = formError.textContent = "";
            submit.disabled = true;
            try {
              outcome = await start({ end: end.value, filter: filter.value });
              dialog.close();
            } catch (error) {
              const body = error.body && typeof error.body === "object" ? error.body : {};
              if (body.filter) filterError.textContent = [].concat(body.filter).join(" ");
              const rest = Object.fromEntries(Object.entries(body).filter(([key]) => key !== "filter"));
              if (Object.keys(rest).length) formError.textContent = errorText(rest, error.status);
              else if (!body.filter) formError.textContent = error.message;
            } finally {
              submit.disabled = false;
            }
          },
        },
        h("h3", {}, "Capture packets"),
        h("label", {}, h("span", {}, "On the end of"), end),
        h("label", { className: "stacked" }, h("span", {}, "Capture filter (BPF)"), filter),
        filterError,
        formError,
        h(
          "div",
          { className: "dialog-buttons" },
          submit,
          h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(outcome);
    });
    document.body.append(dialog);
    dialog.showModal();
    filter.focus();
  });
}
