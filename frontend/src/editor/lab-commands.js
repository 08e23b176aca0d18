/**
 * Undoable editor actions as commands for the UndoStack: each one is the API request that does the action and
 * the request that reverses it (add ⇄ delete, move ⇄ move back, link ⇄ unlink, rename, impairment, and a
 * deletion of nodes, links and annotations ⇄ creating them again with the same settings).
 *
 * Division of labour: this module knows which request bodies rebuild an element; LabActions makes the requests
 * and merges answers into the store; the UndoStack orders commands and maps old ids to new ones. A deleted node
 * comes back with its settings (template, adapters, environment, startup, files…) and its links, stopped: what
 * its container had written at run time is gone with the container.
 */

/** Node fields a POST accepts, i.e. what rebuilds a node as it was configured. */
export const NODE_BODY_FIELDS = [
  "name",
  "template",
  "x",
  "y",
  "adapters",
  "environment",
  "start_command",
  "startup",
  "openflow_controller",
  "files",
  "vlans",
];

/** The POST body that creates a node configured as `node` is. */
export function nodeBody(node) {
  const body = {};
  for (const field of NODE_BODY_FIELDS) if (node[field] !== undefined && node[field] !== null) body[field] = node[field];
  return body;
}

/** The POST body that creates `link` again between the nodes' current ids. */
export function linkBody(link, resolve = (id) => id) {
  const body = {
    a: { node: resolve(link.a.node), port: link.a.port },
    b: { node: resolve(link.b.node), port: link.b.port },
  };
  if (link.impairment && Object.keys(link.impairment).length) body.impairment = link.impairment;
  return body;
}

/** The annotation fields a POST accepts. */
export function annotationBody(annotation) {
  const { kind, text, x, y, width, height, style, z } = annotation;
  return Object.fromEntries(Object.entries({ kind, text, x, y, width, height, style, z }).filter(([, v]) => v !== undefined));
}

/**
 * Creates nodes, then links between them, then annotations, recording each new id against the recorded one.
 * @param {import("./lab-actions.js").LabActions} actions
 */
async function createAll(actions, ids, { nodes = [], links = [], annotations = [] }) {
  for (const node of nodes) {
    const created = await actions.createNodeFrom(nodeBody(node));
    ids.alias(node.id, created.id);
  }
  for (const link of links) {
    const created = await actions.createLink(linkBody(link, (id) => ids.resolve(id)));
    ids.alias(link.id, created.id);
  }
  for (const annotation of annotations) {
    const created = await actions.createAnnotation(annotationBody(annotation));
    ids.alias(annotation.id, created.id);
  }
}

async function deleteAll(actions, ids, { nodes = [], links = [], annotations = [] }) {
  const doomed = new Set(nodes.map((n) => ids.resolve(n.id)));
  for (const link of links) {
    const a = ids.resolve(link.a.node);
    const b = ids.resolve(link.b.node);
    if (!doomed.has(a) && !doomed.has(b)) await actions.removeLink(ids.resolve(link.id));
  }
  await Promise.all(nodes.map((n) => actions.removeNode(ids.resolve(n.id))));
  await Promise.all(annotations.map((a) => actions.removeAnnotation(ids.resolve(a.id))));
}

export const commands = {
  /** Elements the user just made (a node from the palette, a link drawn, a paste): undo deletes them. */
  created(actions, elements, label) {
    return {
      label,
      undo: (ids) => deleteAll(actions, ids, elements),
      redo: (ids) => createAll(actions, ids, elements),
    };
  },

  /** Elements the user deletes: copies taken before, so undo rebuilds them. */
  deleted(actions, elements, label) {
    return {
      label,
      undo: (ids) => createAll(actions, ids, elements),
      redo: (ids) => deleteAll(actions, ids, elements),
    };
  },

  /** Nodes moved: `moves` is [{id, from: {x,y}, to: {x,y}}]. */
  moved(actions, moves) {
    const apply = (ids, key) =>
      actions.moveNodesStrict(moves.map((m) => ({ id: ids.resolve(m.id), x: m[key].x, y: m[key].y })));
    return { label: moves.length === 1 ? "move" : `move ${moves.length} nodes`, undo: (ids) => apply(ids, "from"), redo: (ids) => apply(ids, "to") };
  },

  renamed(actions, id, from, to) {
    return {
      label: `rename ${from} to ${to}`,
      undo: (ids) => actions.renameNode(ids.resolve(id), from),
      redo: (ids) => actions.renameNode(ids.resolve(id), to),
    };
  },

  impaired(actions, id, from, to) {
    return {
      label: "impairment",
      undo: (ids) => actions.setImpairment(ids.resolve(id), { impairment: from }),
      redo: (ids) => actions.setImpairment(ids.resolve(id), { impairment: to }),
    };
  },

  /** Several commands as one step (e.g. moving several annotations together). */
  group(label, parts) {
    return {
      label,
      undo: async (ids) => {
        for (const part of [...parts].reverse()) await part.undo(ids);
      },
      redo: async (ids) => {
        for (const part of parts) await part.redo(ids);
      },
    };
  },

  /** An annotation changed (moved, resized, recoloured, retyped): `from` and `to` are the changed fields. */
  annotationChanged(actions, id, from, to) {
    return {
      label: "annotation",
      undo: (ids) => actions.updateAnnotation(ids.resolve(id), from),
      redo: (ids) => actions.updateAnnotation(ids.resolve(id), to),
    };
  },
};
