/**
 * How lab nodes and links look on the canvas: API objects turned into Cytoscape element definitions.
 *
 * Division of labour: pure functions and constants. canvas.js feeds them to Cytoscape and its stylesheet
 * keys colours off the `status` data field set here; nothing in this file knows Cytoscape's API.
 */

import { impairmentSummary } from "./impairment-fields.js";
import { endLabel } from "./port-vlans.js";

/** Node statuses as the API names them, with the colour and word the canvas shows. */
export const STATUS_COLOURS = {
  stopped: "#9aa0a6",
  starting: "#f0a30a",
  started: "#2e9e44",
  stopping: "#f0a30a",
  error: "#d93025",
  unknown: "#7e57c2",
};

export const KIND_SHAPES = { docker: "round-rectangle", bridge: "rectangle", ovs: "hexagon" };

/**
 * A Cytoscape node definition for an API node. `showHost`: the lab spans several compute hosts, so each
 * node's label carries its host as a badge line ("r1" over "@b").
 */
export function nodeElement(node, { showHost = false } = {}) {
  const status = STATUS_COLOURS[node.status] ? node.status : "stopped";
  const host = node.compute_host || "";
  return {
    group: "nodes",
    data: {
      id: node.id,
      label: showHost && host ? `${node.name}\n@${host}` : node.name,
      host,
      status,
      kind: node.kind || "docker",
      error: node.status === "error" ? node.error || "the node failed without a reason" : "",
    },
    position: { x: Number(node.x) || 0, y: Number(node.y) || 0 },
  };
}

/**
 * A Cytoscape edge definition for an API link; its labels show the ports at each end, with a switch
 * port's VLANs when `nodes` (a Map of API nodes by id) is given.
 */
export function linkElement(link, nodes) {
  return {
    group: "edges",
    data: {
      id: link.id,
      source: link.a.node,
      target: link.b.node,
      sourceLabel: endLabel(link.a.port, nodes?.get(link.a.node)),
      targetLabel: endLabel(link.b.port, nodes?.get(link.b.node)),
      status: link.status || "down",
      impaired: impairmentSummary(link.impairment) ? "yes" : "no",
      error: link.status === "error" ? link.error || "" : "",
    },
  };
}

/** Fields of an element's data that differ between two definitions, for updating in place. */
export function changedData(before, after) {
  const changed = {};
  for (const [key, value] of Object.entries(after.data)) {
    if (before.data[key] !== value) changed[key] = value;
  }
  return changed;
}

/** Tooltip / side panel text for a node's status. */
export function statusText(node) {
  if (node.status === "error") return `error: ${node.error || "no reason given"}`;
  return node.status || "stopped";
}
