/**
 * The Cytoscape stylesheet of the lab canvas: nodes as role icons with a status badge (editor/role-icons.js),
 * names under them, port labels on links placed beyond the names, annotations behind everything.
 *
 * Division of labour: looks only. Which data fields exist is decided by lib/graph-elements.js and canvas.js.
 */

import { KIND_SHAPES, STATUS_COLOURS } from "../lib/graph-elements.js";

export function canvasStyle() {
  const style = [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        width: 40,
        height: 40,
        "background-color": "#ffffff",
        "background-opacity": 0,
        "background-fit": "contain",
        "background-clip": "none",
        "border-width": 0,
        "border-color": "#3c4043",
        color: "#202124",
        "font-size": 12,
        "text-valign": "bottom",
        "text-margin-y": 4,
        "min-zoomed-font-size": 7,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.75,
        "text-background-padding": 1,
      },
    },
    {
      selector: "edge",
      style: {
        width: 2,
        "line-color": "#80868b",
        "curve-style": "bezier",
        // Beyond the node (20) and its name (~18 under it), so a link leaving downwards never covers the name.
        "source-text-offset": 44,
        "target-text-offset": 44,
        "font-size": 9,
        color: "#3c4043",
        "min-zoomed-font-size": 9,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.8,
        "text-background-padding": 1,
      },
    },
    // Mappings only where the data exists: edgehandles' temporary elements have none.
    // text-wrap: a lab across compute hosts puts the host under the name ("r1\n@b").
    { selector: "node[label]", style: { label: "data(label)", "text-wrap": "wrap" } },
    // The host filter dims the nodes of the other hosts; they stay clickable.
    { selector: "node.other-host", style: { opacity: 0.25 } },
    { selector: "node[icon]", style: { "background-image": "data(icon)" } },
    { selector: "edge[sourceLabel]", style: { "source-label": "data(sourceLabel)", "target-label": "data(targetLabel)" } },
    { selector: 'edge[status = "up"]', style: { "line-color": "#5f9e6e" } },
    { selector: 'edge[status = "error"]', style: { "line-color": STATUS_COLOURS.error } },
    { selector: 'edge[impaired = "yes"]', style: { "line-style": "dashed", "line-dash-pattern": [6, 3], width: 3 } },
    { selector: 'node[status = "error"]', style: { color: STATUS_COLOURS.error, "font-weight": "bold" } },
    { selector: "node:selected", style: { "border-color": "#1a73e8", "border-width": 4, "overlay-opacity": 0 } },
    { selector: "edge:selected", style: { "line-color": "#1a73e8", width: 4 } },
    // edgehandles' temporary elements while a link is drawn.
    { selector: ".eh-hover, .eh-source, .eh-target", style: { "border-color": "#1a73e8", "border-width": 4 } },
    {
      selector: ".eh-preview, .eh-ghost-edge",
      style: { "line-color": "#1a73e8", "line-style": "dashed", "source-label": "", "target-label": "" },
    },
    { selector: ".eh-ghost-edge.eh-preview-active", style: { opacity: 0 } },
  ];
  // A node without an icon (none yet) falls back to a shape by kind in its status colour.
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) {
    style.push({ selector: `node[!icon][status = "${status}"]`, style: { "background-color": colour, "background-opacity": 1 } });
  }
  for (const [kind, shape] of Object.entries(KIND_SHAPES)) {
    style.push({ selector: `node[kind = "${kind}"]`, style: { shape } });
  }
  // Selection must win, so it goes last: a ring around the icon.
  style.push({ selector: "node:selected", style: { "border-color": "#1a73e8", "border-width": 3, "border-opacity": 1 } });
  // Annotations: sized and coloured by their data, drawn below every link and node.
  style.push(
    {
      selector: "node.annotation",
      style: {
        shape: "rectangle",
        width: "data(w)",
        height: "data(h)",
        "background-color": "data(fill)",
        "background-opacity": "data(opacity)",
        "border-width": "data(strokeWidth)",
        "border-color": "data(stroke)",
        label: "data(label)",
        "text-valign": "center",
        "text-halign": "center",
        "text-wrap": "wrap",
        "text-max-width": "data(w)",
        "text-margin-y": 0,
        "font-size": "data(fontSize)",
        color: "data(color)",
        "text-background-opacity": 0,
        "z-compound-depth": "bottom",
        "z-index": "data(z)",
        "z-index-compare": "manual",
      },
    },
    { selector: "node.annotation-ellipse", style: { shape: "ellipse" } },
    { selector: "node.annotation:selected", style: { "border-width": 2, "border-color": "#1a73e8", "border-style": "dashed" } },
  );
  return style;
}
