/**
 * Copy, paste and duplicate of a selection, as pure functions: what a copy holds and what a paste creates.
 *
 * Division of labour: `copyOf` takes the selected nodes (with their settings), the links whose both ends were
 * copied and the selected annotations from the store; `pastePlan` turns a copy into request bodies with unique
 * names and shifted positions, links naming their ends by the copied node's old id (the caller maps those to
 * the new ids as it creates nodes). editor.js makes the requests and records one undoable command per paste.
 */

import { uniqueCopyName } from "../lib/node-names.js";
import { annotationBody, nodeBody } from "./lab-commands.js";

/** A copy of the selection: plain data, safe to keep while the lab changes. */
export function copyOf(selection, store) {
  const nodes = selection.nodes.filter((id) => store.nodes.has(id)).map((id) => structuredClone(store.nodes.get(id)));
  const copied = new Set(nodes.map((n) => n.id));
  const links = [...store.links.values()]
    .filter((l) => copied.has(l.a.node) && copied.has(l.b.node))
    .map((l) => structuredClone(l));
  const annotations = (selection.annotations || [])
    .filter((id) => store.annotations?.has(id))
    .map((id) => structuredClone(store.annotations.get(id)));
  return { nodes, links, annotations };
}

export function isEmpty(copy) {
  return !copy || (!copy.nodes.length && !copy.annotations.length);
}

/**
 * What pasting `copy` creates: `{nodes: [{from, body}], links: [{body}], annotations: [{body}]}`; link bodies
 * name nodes by the copied node's id (`from`). Names are made unique against `takenNames`; everything moves by
 * `offset` so the paste does not hide what it was copied from.
 */
export function pastePlan(copy, takenNames, offset = { x: 40, y: 40 }) {
  const taken = new Set(takenNames);
  const nodes = copy.nodes.map((node) => ({
    from: node.id,
    body: {
      ...nodeBody(node),
      name: uniqueCopyName(node.name, taken),
      x: Math.round(Number(node.x) + offset.x),
      y: Math.round(Number(node.y) + offset.y),
    },
  }));
  const links = copy.links.map((link) => {
    const body = { a: { node: link.a.node, port: link.a.port }, b: { node: link.b.node, port: link.b.port } };
    if (link.impairment && Object.keys(link.impairment).length) body.impairment = structuredClone(link.impairment);
    return { body };
  });
  const annotations = copy.annotations.map((a) => ({
    body: { ...annotationBody(a), x: Math.round(Number(a.x) + offset.x), y: Math.round(Number(a.y) + offset.y) },
  }));
  return { nodes, links, annotations };
}
