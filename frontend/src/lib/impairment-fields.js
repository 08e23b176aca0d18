/**
 * The link impairment form's fields and their conversion to and from the API's "impairment" object.
 *
 * Division of labour: pure data and functions. The form view (link-form.js) draws inputs from
 * IMPAIRMENT_FIELDS and DIRECTIONS, reads their string values, and calls these functions to build a
 * PATCH body and to place the API's error messages next to the inputs that caused them.
 * Form keys are "<direction>.<field>", e.g. "a_to_b.delay_ms".
 */

export const DIRECTIONS = ["a_to_b", "b_to_a"];

/**
 * Each field: API name, label, unit shown beside the input, input step, the host capability it needs (see
 * capabilities.js), and what "not set" is (0 for netem fields, null for the rate, as the server reads them).
 * The bounds are not here: the server serves its own table (GET /api/compute/ "impairment_ranges", the one
 * the API and the engine check against) and `setImpairmentRanges` puts them on these fields. Until then no
 * bound is checked here; the server still refuses, and its message is placed beside the input.
 */
export const IMPAIRMENT_FIELDS = [
  { name: "delay_ms", label: "Delay", unit: "ms", step: "any", needs: "netem", unset: 0 },
  { name: "jitter_ms", label: "Jitter", unit: "ms", step: "any", needs: "netem", unset: 0 },
  { name: "loss_pct", label: "Loss", unit: "%", step: "any", needs: "netem", unset: 0 },
  { name: "corrupt_pct", label: "Corrupt", unit: "%", step: "any", needs: "netem", unset: 0 },
  { name: "duplicate_pct", label: "Duplicate", unit: "%", step: "any", needs: "netem", unset: 0 },
  { name: "reorder_pct", label: "Reorder", unit: "%", step: "any", needs: "netem", unset: 0 },
  { name: "rate_kbps", label: "Rate", unit: "kbit/s", step: 1, needs: "rate", unset: null, integer: true },
];

/**
 * Takes the server's ranges {"delay_ms": {"min","max","unit","needs","integer"}, ...} onto IMPAIRMENT_FIELDS.
 * Fields the server does not name keep no bounds. Returns how many fields got bounds.
 */
export function setImpairmentRanges(served) {
  let count = 0;
  for (const field of IMPAIRMENT_FIELDS) {
    const range = served && served[field.name];
    if (!range || typeof range.min !== "number" || typeof range.max !== "number") continue;
    Object.assign(field, { min: range.min, max: range.max, unit: range.unit || field.unit });
    if (typeof range.integer === "boolean") field.integer = range.integer;
    if (range.needs) field.needs = range.needs;
    count += 1;
  }
  return count;
}

const FIELD_BY_NAME = new Map(IMPAIRMENT_FIELDS.map((f) => [f.name, f]));

export const formKey = (direction, name) => `${direction}.${name}`;

function isUnset(field, value) {
  return value === null || value === undefined || value === "" || (field.unset === 0 && Number(value) === 0);
}

/**
 * Form values (strings keyed "<direction>.<field>") from a link's "impairment" object. Accepts both the
 * per-direction shape and top-level fields (which the API applies to both directions); a per-direction
 * value wins over a top-level one. Unset values become "".
 */
export function impairmentToForm(impairment) {
  const values = {};
  const source = impairment || {};
  for (const direction of DIRECTIONS) {
    const perDirection = source[direction] || {};
    for (const field of IMPAIRMENT_FIELDS) {
      const raw = field.name in perDirection ? perDirection[field.name] : source[field.name];
      values[formKey(direction, field.name)] = isUnset(field, raw) ? "" : String(raw);
    }
  }
  return values;
}

/** Thrown when an input cannot be sent at all; `errors` maps form keys to messages. */
export class ImpairmentInputError extends Error {
  constructor(errors) {
    super(Object.values(errors).join("; "));
    this.name = "ImpairmentInputError";
    this.errors = errors;
  }
}

/**
 * The PATCH body {"impairment": {"a_to_b": {...}, "b_to_a": {...}}} from form values. Empty inputs
 * clear the field (0, or null for the rate). Fields named in `skip` (disabled ones) are left out so
 * the server keeps what it has. Throws ImpairmentInputError for text that is not a number.
 */
export function formToImpairment(values, { skip = new Set() } = {}) {
  const impairment = {};
  const errors = {};
  for (const direction of DIRECTIONS) {
    const out = {};
    for (const field of IMPAIRMENT_FIELDS) {
      if (skip.has(field.name)) continue;
      const key = formKey(direction, field.name);
      const text = String(values[key] ?? "").trim();
      if (text === "") {
        out[field.name] = field.unset;
        continue;
      }
      const number = Number(text);
      if (!Number.isFinite(number)) {
        errors[key] = `${field.label} must be a number of ${field.unit}`;
        continue;
      }
      if (field.integer && !Number.isInteger(number)) {
        errors[key] = `${field.label} must be a whole number of ${field.unit}`;
        continue;
      }
      const bounded = typeof field.min === "number" && typeof field.max === "number";
      if (bounded && (number < field.min || number > field.max)) {
        errors[key] = `${field.label} must be between ${field.min} and ${field.max} ${field.unit}`;
        continue;
      }
      out[field.name] = number;
    }
    impairment[direction] = out;
  }
  if (Object.keys(errors).length) throw new ImpairmentInputError(errors);
  return { impairment };
}

function messagesOf(value) {
  if (Array.isArray(value)) return value.filter((v) => typeof v === "string").join(" ");
  if (typeof value === "string") return value;
  return "";
}

/**
 * Places an API error body next to the form's inputs. Returns {"<direction>.<field>": msg, ...} plus
 * "_form" for what belongs to no single input. Understands DRF's nested shapes:
 * {"impairment": {"a_to_b": {"delay_ms": ["..."]}}}, {"impairment": ["..."]}, {"detail": "..."},
 * {"non_field_errors": [...]}, and a field without direction ({"impairment": {"delay_ms": [...]}}, which is
 * how the server words a range error): that one goes beside the directions where the form has the field
 * filled in (`values`), or beside both when it is filled in nowhere.
 */
export function errorsToForm(body, values = {}) {
  const placed = {};
  const general = [];
  const addGeneral = (text) => text && general.push(text);
  if (!body || typeof body !== "object") {
    addGeneral(String(body ?? "request failed"));
  } else {
    for (const [key, value] of Object.entries(body)) {
      if (key !== "impairment") {
        addGeneral(messagesOf(value) || JSON.stringify(value));
        continue;
      }
      if (Array.isArray(value) || typeof value === "string") {
        addGeneral(messagesOf(value));
        continue;
      }
      for (const [inner, innerValue] of Object.entries(value || {})) {
        if (DIRECTIONS.includes(inner) && innerValue && !Array.isArray(innerValue) && typeof innerValue === "object") {
          for (const [name, msg] of Object.entries(innerValue)) {
            if (FIELD_BY_NAME.has(name)) placed[formKey(inner, name)] = messagesOf(msg);
            else addGeneral(`${inner.replace("_to_", " → ")}: ${messagesOf(msg)}`);
          }
        } else if (DIRECTIONS.includes(inner)) {
          addGeneral(`${inner.replace("_to_", " → ")}: ${messagesOf(innerValue)}`);
        } else if (FIELD_BY_NAME.has(inner)) {
          const filled = DIRECTIONS.filter((d) => String(values[formKey(d, inner)] ?? "").trim() !== "");
          for (const direction of filled.length ? filled : DIRECTIONS) {
            placed[formKey(direction, inner)] = messagesOf(innerValue);
          }
        } else {
          addGeneral(messagesOf(innerValue));
        }
      }
    }
  }
  if (general.length) placed._form = general.join(" ");
  return placed;
}

/** A short text for an edge label: "a→b 10ms 1% 1000kbit/s", or "" when nothing is set. */
export function impairmentSummary(impairment) {
  const form = impairmentToForm(impairment);
  const parts = [];
  for (const direction of DIRECTIONS) {
    const bits = IMPAIRMENT_FIELDS.filter((f) => form[formKey(direction, f.name)] !== "").map(
      (f) => `${form[formKey(direction, f.name)]}${f.unit === "%" ? "%" : f.unit}`,
    );
    if (bits.length) parts.push(`${direction === "a_to_b" ? "→" : "←"} ${bits.join(" ")}`);
  }
  return parts.join("  ");
}
