/**
 * A refused form, shown where it belongs: each of the server's {"field": ["message"]} under its own input, and
 * whatever names no input of the form ("detail", "non_field_errors", "quota", a field the form lacks) in the
 * form's general slot, so no message is ever swallowed.
 *
 * Division of labour: `fieldErrors` is pure (body → {field: text}); `showFormErrors` writes the texts into the
 * form's `.field-error[data-for=...]` elements, with `_form` as the general slot.
 */

const FORM = "_form";

function messages(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => messages(v).map((m) => (k === "non_field_errors" ? m : `${k}: ${m}`)));
  }
  return [];
}

/**
 * @param {{body?: unknown, message?: string}} error an ApiError (or any Error)
 * @param {string[]} fields the names of the form's inputs
 * @returns {Record<string, string>} field (or "_form") → the text to show there
 */
export function fieldErrors(error, fields) {
  const body = error && error.body;
  const found = {};
  const general = [];
  if (body && typeof body === "object" && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body)) {
      const texts = messages(value);
      if (fields.includes(key)) found[key] = texts.join(" ");
      else if (key === "detail" || key === "non_field_errors") general.push(...texts);
      else general.push(...texts.map((t) => `${key}: ${t}`));
    }
  }
  if (!Object.keys(found).length && !general.length) general.push((error && error.message) || "the request failed");
  if (general.length) found[FORM] = general.join(" ");
  return found;
}

export function clearFormErrors(form) {
  for (const slot of form.querySelectorAll(".field-error[data-for]")) slot.textContent = "";
}

/** Shows an API refusal in `form`; returns the texts it showed (field → text). */
export function showFormErrors(form, error) {
  clearFormErrors(form);
  const slots = [...form.querySelectorAll(".field-error[data-for]")];
  const fields = slots.map((s) => s.dataset.for).filter((f) => f !== FORM);
  const texts = fieldErrors(error, fields);
  for (const [field, text] of Object.entries(texts)) {
    const slot = slots.find((s) => s.dataset.for === field) || slots.find((s) => s.dataset.for === FORM);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
  }
  return texts;
}
