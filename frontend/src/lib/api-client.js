/**
 * The REST API as the browser calls it: JSON in and out, session cookie auth, CSRF header on unsafe methods.
 *
 * Division of labour: this module only speaks HTTP and turns a refusal into an ApiError whose `body` keeps
 * the server's {"field": ["message"]} or {"detail": "..."} so views can show each message beside what caused
 * it. Which URL means what lives in the callers (pages and panels).
 */

/** The value of cookie `name` in a document.cookie string, or "". */
export function cookieValue(cookieString, name) {
  for (const part of (cookieString || "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** One human sentence from an API error body, for places that have no field to put it beside. */
export function errorText(body, status) {
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    const parts = [];
    const walk = (value, path) => {
      if (typeof value === "string") parts.push(path.length ? `${path.join(".")}: ${value}` : value);
      else if (Array.isArray(value)) value.forEach((v) => walk(v, path));
      else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) walk(v, k === "non_field_errors" ? path : [...path, k]);
      }
    };
    walk(body, []);
    if (parts.length) return parts.join("; ");
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 300);
  return `the server answered ${status}`;
}

export class ApiError extends Error {
  constructor(status, body, url) {
    super(errorText(body, status));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.url = url;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export class ApiClient {
  /** @param {string} base e.g. "/api" */
  constructor(base = "/api") {
    this.base = base.replace(/\/$/, "");
  }

  async request(method, path, body) {
    const url = path.startsWith("/api") || path.startsWith("http") ? path : `${this.base}${path}`;
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      if (typeof FormData !== "undefined" && body instanceof FormData) init.body = body;
      else {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
    }
    if (!SAFE_METHODS.has(method)) headers["X-CSRFToken"] = cookieValue(document.cookie, "csrftoken");
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new ApiError(0, { detail: `cannot reach the server (${error.message})` }, url);
    }
    const text = await response.text();
    let data = text;
    if (text && (response.headers.get("Content-Type") || "").includes("json")) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!response.ok) throw new ApiError(response.status, data, url);
    return text === "" ? null : data;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body = {}) {
    return this.request("POST", path, body);
  }

  patch(path, body) {
    return this.request("PATCH", path, body);
  }

  delete(path) {
    return this.request("DELETE", path);
  }

  /** A list endpoint's items whether or not the server paginates ({"results": [...], "next": url}). */
  async list(path) {
    let data = await this.get(path);
    if (Array.isArray(data)) return data;
    const items = [...(data.results || [])];
    while (data.next) {
      data = await this.get(data.next);
      items.push(...(data.results || []));
    }
    return items;
  }
}
