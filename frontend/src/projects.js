/**
 * The project list page: lists the user's projects and creates, opens, renames, duplicates ("save as"), exports,
 * imports and deletes them. Long names are cut with an ellipsis (the full name in the tooltip), so the table never
 * grows wider than the page.
 *
 * Division of labour: talks to /api/projects/ and /api/examples/ only; refusals are shown under the form or row that caused them.
 * Opening a project is a plain link to the editor page.
 */

import "./styles/base.css";
import "./styles/projects.css";

import { ApiClient } from "./lib/api-client.js";
import { h } from "./lib/dom-builder.js";
import { exportFileName } from "./lib/export-name.js";
import { ImportPanel } from "./projects/import-panel.js";

const api = new ApiClient(document.getElementById("projects-config")?.dataset.apiBase || "/api");
const $ = (id) => document.getElementById(id);

function editorUrl(project) {
  return `/projects/${project.id}/`;
}

function fieldMessage(error, field) {
  const body = error.body;
  if (body && typeof body === "object" && Array.isArray(body[field])) return body[field].join(" ");
  return error.message;
}

function nameCell(project, error) {
  const link = h("a", { href: editorUrl(project), className: "project-link", title: project.name }, project.name);
  const cell = h("td", { className: "name-cell" }, link);
  cell.startRename = () => {
    const input = h("input", { name: "name", value: project.name, maxlength: 100, "aria-label": "new project name" });
    const form = h(
      "form",
      {
        className: "rename-project",
        onsubmit: async (event) => {
          event.preventDefault();
          error.textContent = "";
          try {
            await api.patch(`/projects/${project.id}/`, { name: input.value.trim() });
            await refresh();
          } catch (err) {
            error.textContent = fieldMessage(err, "name");
            input.focus();
          }
        },
      },
      input,
      h("button", { type: "submit", className: "primary" }, "Save"),
      h("button", { type: "button", onclick: () => cell.replaceChildren(link) }, "Cancel"),
    );
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cell.replaceChildren(link);
    });
    cell.replaceChildren(form);
    input.focus();
    input.select();
  };
  return cell;
}

function row(project) {
  const error = h("div", { className: "field-error" });
  const created = project.created ? new Date(project.created).toLocaleString() : "";
  const name = nameCell(project, error);
  return h(
    "tr",
    { dataset: { projectId: project.id } },
    name,
    h("td", {}, h("span", { className: `status-text status-${project.status}` }, project.status || "")),
    h("td", { className: "muted created-cell" }, created),
    h(
      "td",
      { className: "row-actions" },
      h("a", { href: editorUrl(project), className: "button" }, "Open"),
      h("button", { type: "button", className: "rename-button", onclick: () => name.startRename() }, "Rename"),
      h(
        "button",
        {
          type: "button",
          className: "duplicate-button",
          title: "Save as a new project (nodes, links, settings and notes; not what running containers wrote)",
          onclick: async (event) => {
            event.target.disabled = true;
            error.textContent = "";
            try {
              await api.post(`/projects/${project.id}/duplicate/`, {});
              await refresh();
            } catch (err) {
              error.textContent = err.message;
              event.target.disabled = false;
            }
          },
        },
        "Duplicate",
      ),
      h("a", { href: `${api.base}/projects/${project.id}/export/`, className: "button", download: exportFileName(project.name) }, "Export"),
      h(
        "button",
        {
          type: "button",
          className: "danger",
          onclick: async (event) => {
            if (!window.confirm(`Delete project "${project.name}" and every container and link it made?`)) return;
            event.target.disabled = true;
            try {
              await api.delete(`/projects/${project.id}/`);
              await refresh();
            } catch (err) {
              error.textContent = err.message;
              event.target.disabled = false;
            }
          },
        },
        "Delete",
      ),
      error,
    ),
  );
}

async function refresh() {
  const body = $("project-rows");
  try {
    const projects = await api.list("/projects/");
    body.replaceChildren(...projects.map(row));
    $("no-projects").hidden = projects.length > 0;
    $("list-error").textContent = "";
  } catch (error) {
    $("list-error").textContent = `Projects could not be loaded: ${error.message}`;
  }
}

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = form.querySelector(".field-error");
  error.textContent = "";
  try {
    const project = await api.post("/projects/", { name: form.elements.name.value.trim() });
    window.location.href = editorUrl(project);
  } catch (err) {
    error.textContent = fieldMessage(err, "name");
  }
});

new ImportPanel($("import-form"), api, async (project) => {
  if (project && project.id) window.location.href = editorUrl(project);
  else await refresh();
});

async function loadExamples() {
  const form = $("example-form");
  const select = $("example-select");
  const error = form.querySelector(".field-error");
  let examples = [];
  try {
    examples = await api.list("/examples/");
  } catch (err) {
    error.textContent = `Examples could not be loaded: ${err.message}`;
  }
  select.replaceChildren(
    ...examples.map((example) =>
      h("option", { value: example.name }, `${example.title} (${example.nodes} nodes)`),
    ),
  );
  const describe = () => {
    const chosen = examples.find((example) => example.name === select.value);
    $("example-description").textContent = chosen ? chosen.description : "";
  };
  select.addEventListener("change", describe);
  describe();
  form.querySelector("button").disabled = examples.length === 0;
}

$("example-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = form.querySelector(".field-error");
  error.textContent = "";
  const name = form.elements.example.value;
  if (!name) return;
  try {
    const project = await api.post(`/examples/${encodeURIComponent(name)}/instantiate/`, {});
    window.location.href = editorUrl(project);
  } catch (err) {
    error.textContent = err.message;
  }
});

refresh();
loadExamples();
