/**
 * What the editor asks the server to do for one project: create, move, rename and delete nodes and links,
 * start/stop nodes or the whole lab, set a link's impairments.
 *
 * Division of labour: every REST call of the editor page goes through here. A successful answer is merged into
 * the store at once (the events socket brings the same change, and the store merges it idempotently), so the
 * canvas answers without waiting for a worker. Errors are thrown as ApiError for the caller to place next to
 * what caused them; `report` is the fallback for gestures that have no form (a drag, a menu item).
 */

export class LabActions {
  /**
   * @param {import("../lib/api-client.js").ApiClient} api
   * @param {string} projectId
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {(message: string) => void} report
   */
  constructor(api, projectId, store, report) {
    this.api = api;
    this.base = `/projects/${projectId}`;
    this.projectId = projectId;
    this.store = store;
    this.report = report;
  }

  nodeName(id) {
    return this.store.nodes.get(id)?.name || "node";
  }

  async createNode(template, name, position) {
    const node = await this.api.post(`${this.base}/nodes/`, { name, template: template.id, x: position.x, y: position.y });
    this.store.upsertNode(node);
    return node;
  }

  /** Creates a node from a full body (undo, paste); throws on refusal. */
  async createNodeFrom(body) {
    const node = await this.api.post(`${this.base}/nodes/`, body);
    this.store.upsertNode(node);
    return node;
  }

  /** Moves nodes and throws the first refusal (undo/redo need to know). */
  async moveNodesStrict(moves) {
    await Promise.all(
      moves.map(async ({ id, x, y }) => {
        await this.api.patch(`${this.base}/nodes/${id}/`, { x, y });
        if (this.store.nodes.has(id)) this.store.upsertNode({ id, x, y });
      }),
    );
  }

  /** Deletes a node and throws on refusal; one already gone counts as deleted. */
  async removeNode(id) {
    try {
      await this.api.delete(`${this.base}/nodes/${id}/`);
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    this.store.removeNode(id);
  }

  async removeLink(id) {
    try {
      await this.api.delete(`${this.base}/links/${id}/`);
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    this.store.removeLink(id);
  }

  async createAnnotation(body) {
    const annotation = await this.api.post(`${this.base}/annotations/`, body);
    this.store.upsertAnnotation(annotation);
    return annotation;
  }

  async updateAnnotation(id, body) {
    const annotation = await this.api.patch(`${this.base}/annotations/${id}/`, body);
    this.store.upsertAnnotation(annotation);
    return annotation;
  }

  async removeAnnotation(id) {
    try {
      await this.api.delete(`${this.base}/annotations/${id}/`);
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    this.store.removeAnnotation(id);
  }

  /** Saves positions; reports refusals and puts those nodes back. Resolves to the ids that moved. */
  async moveNodes(moves) {
    const saved = await Promise.all(
      moves.map(async ({ id, x, y }) => {
        try {
          await this.api.patch(`${this.base}/nodes/${id}/`, { x, y });
          // Merge only what we changed: the answer's status may be older than an event already applied.
          if (this.store.nodes.has(id)) this.store.upsertNode({ id, x, y });
          return id;
        } catch (error) {
          this.report(`could not save the position of ${this.nodeName(id)}: ${error.message}`);
          const node = this.store.nodes.get(id);
          if (node) this.store.upsertNode({ ...node }); // puts it back where the server has it
          return null;
        }
      }),
    );
    return saved.filter(Boolean);
  }

  async renameNode(id, name) {
    await this.api.patch(`${this.base}/nodes/${id}/`, { name });
    if (this.store.nodes.has(id)) this.store.upsertNode({ id, name });
  }

  /** Staff move a stopped node to another compute host (the API refuses a running one). */
  async moveNode(id, host) {
    const node = await this.api.patch(`${this.base}/nodes/${id}/`, { compute_host: host });
    if (this.store.nodes.has(id)) this.store.upsertNode(node);
    return node;
  }

  async nodeAction(id, action) {
    try {
      await this.api.post(`${this.base}/nodes/${id}/${action}/`);
    } catch (error) {
      this.report(`could not ${action} ${this.nodeName(id)}: ${error.message}`);
    }
  }

  async labAction(action) {
    try {
      return await this.api.post(`${this.base}/${action}/`);
    } catch (error) {
      this.report(`could not ${action} the lab: ${error.message}`);
      return null;
    }
  }

  async deleteNode(id) {
    try {
      await this.api.delete(`${this.base}/nodes/${id}/`);
      this.store.removeNode(id);
    } catch (error) {
      if (error.status === 404) this.store.removeNode(id);
      else this.report(`could not delete ${this.nodeName(id)}: ${error.message}`);
    }
  }

  async deleteLink(id) {
    try {
      await this.api.delete(`${this.base}/links/${id}/`);
      this.store.removeLink(id);
    } catch (error) {
      if (error.status === 404) this.store.removeLink(id);
      else this.report(`could not delete the link: ${error.message}`);
    }
  }

  /** Deletes links first, so a node's deletion does not race with its own links'. */
  async deleteMany({ nodes = [], links = [] }) {
    const doomed = new Set(nodes);
    const ownLinks = links.filter((id) => {
      const link = this.store.links.get(id);
      return link && !doomed.has(link.a.node) && !doomed.has(link.b.node);
    });
    await Promise.all(ownLinks.map((id) => this.deleteLink(id)));
    await Promise.all(nodes.map((id) => this.deleteNode(id)));
  }

  async createLink(body) {
    const link = await this.api.post(`${this.base}/links/`, body);
    this.store.upsertLink(link);
    return link;
  }

  async setImpairment(linkId, body) {
    const link = await this.api.patch(`${this.base}/links/${linkId}/`, body);
    if (link && link.id) this.store.upsertLink(link);
    return link;
  }

  exportUrl() {
    return `${this.api.base}${this.base}/export/`;
  }
}
