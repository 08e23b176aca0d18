/**
 * The lab canvas: a Cytoscape graph kept in step with the LabStore, plus the mouse gestures on it.
 *
 * Division of labour: this module draws the store and reports gestures (moved nodes, a link drawn from node
 * to node, a template dropped, a selection, a context menu, a double-click) through callbacks; it never calls
 * the API. The editor page (editor.js) turns gestures into requests. Large labs stay smooth through Cytoscape's
 * viewport texture while panning and, where the browser has WebGL 2, its WebGL renderer (opt-in, ?renderer=webgl).
 */

import cytoscape from "cytoscape";
import edgehandles from "cytoscape-edgehandles";
import { changedData, linkElement, nodeElement, statusText } from "../lib/graph-elements.js";
import { vlansChanged } from "../lib/port-vlans.js";
import { canvasStyle } from "./canvas-style.js";
import { boundsOf, fitViewport, GRID, LABEL_MIN_ZOOM, snapPoint, steppedZoom, wheelZoomFactor } from "./grid.js";
import { Minimap } from "./minimap.js";
import { iconUri, roleOf } from "./role-icons.js";
import { annotationElement, topLeft } from "./annotations.js";
import { AnnotationResizer } from "./annotation-resize.js";

cytoscape.use(edgehandles);

export const TEMPLATE_MIME = "application/x-webgns-template";
const LARGE_LAB_LINKS = 300;

/** What the editor calls an element: "node", "link" or "annotation". */
function kindOf(el) {
  if (el.isEdge()) return "link";
  return el.hasClass("annotation") ? "annotation" : "node";
}

export class LabCanvas {
  /**
   * @param {HTMLElement} container
   * @param {import("../lib/lab-store.js").LabStore} store
   * @param {object} on callbacks: moved(nodes[{id,x,y}]), linkDrawn(sourceId, targetId), dropTemplate(templateId, {x,y}),
   *   select(element|null), contextMenu({kind, id, clientX, clientY}), open(nodeId); for annotations:
   *   annotationsMoved([{id,x,y}]), annotationResized(id, {x,y,width,height}), editAnnotation(id)
   * @param {{webgl?: boolean}} options
   */
  constructor(container, store, on, options = {}) {
    this.container = container;
    this.store = store;
    this.on = on;
    this.cy = cytoscape({
      container,
      style: canvasStyle(),
      layout: { name: "preset" },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: true,
      // A click replaces the selection, shift/ctrl-click toggles one element, shift+drag adds a box (selection.js).
      selectionType: "single",
      // While panning/zooming, draw a cached bitmap of the viewport instead of every element.
      textureOnViewport: true,
      motionBlur: false,
      pixelRatio: 1,
      renderer: options.webgl ? { name: "canvas", webgl: true } : { name: "canvas" },
    });
    this.edgeHandles = this.cy.edgehandles({
      canConnect: (source, target) =>
        source.isNode() && target.isNode() && !source.same(target) && !source.hasClass("annotation") && !target.hasClass("annotation"),
      edgeParams: () => ({ data: { temporary: true } }),
      hoverDelay: 50,
      snap: true,
      snapThreshold: 30,
    });
    this.linkMode = false;
    this.snapToGrid = false;
    this.minimap = new Minimap(container, this.cy);
    this.resizer = new AnnotationResizer(container, this.cy, (id, box) => this.on.annotationResized?.(id, box));
    this.bindGestures();
    // The terminal dock opening or closing resizes the canvas: Cytoscape only watches the window.
    new ResizeObserver(() => this.cy.resize()).observe(container);
    this.unsubscribe = store.subscribe((change) => this.applyChange(change));
    this.firstRenderDone = false;
  }

  bindGestures() {
    const cy = this.cy;
    cy.on("dragfree", "node", () => {
      // One drag of a multi-selection fires dragfree once per node: gather them into one callback.
      clearTimeout(this.dragTimer);
      this.dragTimer = setTimeout(() => this.reportMoved(), 0);
    });
    cy.on("grab", "node", (event) => {
      this.grabbed = cy.$(":grabbed").union(event.target);
    });
    cy.on("ehcomplete", (event, source, target, added) => {
      added.remove();
      this.on.linkDrawn(source.id(), target.id());
    });
    cy.on("tap", (event) => {
      if (event.target === cy) this.on.select(null);
    });
    cy.on("tap", "node, edge", (event) => {
      const el = event.target;
      if (el.data("temporary")) return;
      this.on.select({ kind: kindOf(el), id: el.id() });
    });
    cy.on("dbltap", "node", (event) => {
      if (event.target.hasClass("annotation")) this.on.editAnnotation?.(event.target.id());
      else this.on.open(event.target.id());
    });
    cy.on("cxttap", "node, edge", (event) => {
      const el = event.target;
      const rect = this.container.getBoundingClientRect();
      this.on.contextMenu({
        kind: kindOf(el),
        id: el.id(),
        clientX: rect.left + event.renderedPosition.x,
        clientY: rect.top + event.renderedPosition.y,
      });
    });
    cy.on("mouseover", "node", (event) => {
      const node = this.store.nodes.get(event.target.id());
      if (node) this.container.title = `${node.name}: ${statusText(node)}`;
    });
    cy.on("mouseout", "node", () => {
      this.container.title = "";
    });
    // The wheel zooms by the distance scrolled (grid.js's wheelZoomFactor: 1.25× per mouse notch). Cytoscape
    // 3.35's own handler turns a mouse notch into about 1.03× after sampling the device, too slow to be usable.
    // Cytoscape listens on the container in the capture phase, so this listens on its parent, which captures first.
    (this.container.parentElement || this.container).addEventListener(
      "wheel",
      (event) => {
        if (!this.container.contains(event.target)) return;
        event.preventDefault();
        event.stopPropagation();
        const rect = this.container.getBoundingClientRect();
        const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * wheelZoomFactor(event.deltaY, event.deltaMode)));
        // Over the minimap, zoom about the middle of the view; elsewhere about the pointer.
        const overMap = event.target.closest?.(".minimap");
        const at = overMap ? { x: cy.width() / 2, y: cy.height() / 2 } : { x: event.clientX - rect.left, y: event.clientY - rect.top };
        cy.zoom({ level, renderedPosition: at });
      },
      { capture: true, passive: false },
    );
    this.container.addEventListener("dragover", (event) => {
      if (event.dataTransfer.types.includes(TEMPLATE_MIME)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }
    });
    this.container.addEventListener("drop", (event) => {
      const templateId = event.dataTransfer.getData(TEMPLATE_MIME);
      if (!templateId) return;
      event.preventDefault();
      const at = this.modelPosition(event.clientX, event.clientY);
      this.on.dropTemplate(templateId, this.snapToGrid ? snapPoint(at) : at);
    });
  }

  reportMoved() {
    if (this.snapToGrid) {
      this.cy.batch(() => {
        this.cy.nodes(":selected").union(this.grabbed || this.cy.collection()).forEach((n) => {
          n.position(snapPoint(n.position()));
        });
      });
    }
    const moved = this.cy.nodes(":selected").union(this.grabbed || this.cy.collection()).filter((n) => {
      const node = this.store.nodes.get(n.id());
      if (!node) return false;
      const p = n.position();
      return Math.round(p.x) !== Math.round(node.x) || Math.round(p.y) !== Math.round(node.y);
    });
    const notes = this.cy.nodes(".annotation:selected").union((this.grabbed || this.cy.collection()).filter(".annotation"));
    this.grabbed = null;
    if (moved.length) {
      this.on.moved(moved.map((n) => ({ id: n.id(), x: Math.round(n.position("x")), y: Math.round(n.position("y")) })));
    }
    const movedNotes = notes
      .map((n) => ({ id: n.id(), ...topLeft(n.position(), n.data("w"), n.data("h")) }))
      .filter((m) => {
        const a = this.store.annotations.get(m.id);
        return a && (Math.round(a.x) !== m.x || Math.round(a.y) !== m.y);
      });
    if (movedNotes.length) this.on.annotationsMoved?.(movedNotes);
  }

  /** Model coordinates of a point given in client (page viewport) coordinates. */
  modelPosition(clientX, clientY) {
    const rect = this.container.getBoundingClientRect();
    const pan = this.cy.pan();
    const zoom = this.cy.zoom();
    return { x: Math.round((clientX - rect.left - pan.x) / zoom), y: Math.round((clientY - rect.top - pan.y) / zoom) };
  }

  /** Model coordinates of the middle of the visible canvas. */
  centre() {
    const extent = this.cy.extent();
    return { x: Math.round((extent.x1 + extent.x2) / 2), y: Math.round((extent.y1 + extent.y2) / 2) };
  }

  setLinkMode(on) {
    this.linkMode = on;
    if (on) this.edgeHandles.enableDrawMode();
    else this.edgeHandles.disableDrawMode();
    this.container.classList.toggle("link-mode", on);
  }

  applyChange(change) {
    const cy = this.cy;
    switch (change.type) {
      case "reset":
        this.renderAll();
        break;
      case "node.created":
      case "node.updated": {
        const node = this.store.nodes.get(change.id);
        this.syncNode(node);
        // A switch's port VLANs show on its links' labels.
        if (change.type === "node.updated" && vlansChanged(change.previous, node)) {
          for (const link of this.store.linksOf(change.id)) this.syncLink(link);
        }
        break;
      }
      case "link.created":
      case "link.updated":
        this.syncLink(this.store.links.get(change.id));
        break;
      case "annotation.created":
      case "annotation.updated":
        this.syncAnnotation(this.store.annotations.get(change.id));
        break;
      case "node.deleted":
      case "link.deleted":
      case "annotation.deleted":
        cy.getElementById(change.id).remove();
        break;
      default:
        break;
    }
  }

  renderAll() {
    const cy = this.cy;
    const first = cy.elements().length === 0;
    cy.batch(() => {
      cy.elements().forEach((el) => {
        if (el.data("temporary")) return;
        const known = el.isNode()
          ? this.store.nodes.has(el.id()) || this.store.annotations.has(el.id())
          : this.store.links.has(el.id());
        if (!known) el.remove();
      });
      const add = [];
      for (const annotation of this.store.annotations.values()) {
        if (cy.getElementById(annotation.id).empty()) add.push(annotationElement(annotation));
        else this.syncAnnotation(annotation);
      }
      for (const node of this.store.nodes.values()) {
        if (cy.getElementById(node.id).empty()) add.push(this.nodeDefinition(node));
        else this.syncNode(node);
      }
      for (const link of this.store.links.values()) {
        if (cy.getElementById(link.id).empty()) add.push(linkElement(link, this.store.nodes));
        else this.syncLink(link);
      }
      // Nodes before edges: an edge needs both of its ends to exist.
      cy.add(add.filter((e) => e.group === "nodes"));
      cy.add(add.filter((e) => e.group === "edges" && this.store.nodes.has(e.data.source) && this.store.nodes.has(e.data.target)));
    });
    this.adaptToSize();
    if (first && cy.nodes().length) this.fit();
    if (!this.firstRenderDone) {
      performance.mark("webgns-elements-added");
      this.firstRenderDone = true;
      // A mark the benchmark reads: the frame after the first one drawn with the whole lab on it (Cytoscape
      // draws in its own animation-frame loop; not every renderer emits "render", so count frames instead).
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("webgns-first-render")));
    }
  }

  /** The Cytoscape definition of a lab node: graph-elements' data plus its role icon with a status badge. */
  nodeDefinition(node) {
    const element = nodeElement(node, { showHost: this.labHosts().size > 1 });
    const role = roleOf(node, this.templates?.get(node.template));
    element.data.role = role;
    element.data.icon = iconUri(role, element.data.status);
    return element;
  }

  /** Templates by id, for the role each node is drawn as; redraws icons that change. */
  setTemplates(templates) {
    this.templates = new Map(templates.map((t) => [t.id, t]));
    this.cy.batch(() => {
      for (const node of this.store.nodes.values()) this.syncNode(node);
    });
  }

  /** The compute hosts this lab's nodes are on (the host badge and filter appear from two on). */
  labHosts() {
    if (!this.hostsCache || this.hostsCacheOf !== this.store.nodes.size) {
      this.hostsCache = new Set([...this.store.nodes.values()].map((n) => n.compute_host).filter(Boolean));
      this.hostsCacheOf = this.store.nodes.size;
    }
    return this.hostsCache;
  }

  /** Dims the nodes that are not on `host` (null: every node at full strength). */
  showOnlyHost(host) {
    this.onlyHost = host || null;
    this.cy.batch(() => {
      this.cy.nodes().forEach((el) => {
        if (el.data("host") === undefined) return; // annotations carry no host
        el.toggleClass("other-host", Boolean(this.onlyHost) && el.data("host") !== this.onlyHost);
      });
    });
  }

  syncNode(node) {
    if (!node) return;
    if (node.compute_host && !this.labHosts().has(node.compute_host)) {
      // A new host in the lab (a move, or a second host's first node): every label gains its badge.
      this.hostsCache = null;
      for (const other of this.store.nodes.values()) if (other.id !== node.id) this.syncNode(other);
    }
    const el = this.cy.getElementById(node.id);
    const wanted = this.nodeDefinition(node);
    if (el.empty()) {
      this.cy.add(wanted);
      return;
    }
    const changed = changedData({ data: el.data() }, wanted);
    if (Object.keys(changed).length) el.data(changed);
    if (this.onlyHost) el.toggleClass("other-host", wanted.data.host !== this.onlyHost);
    // Never yank a node out from under the user's mouse.
    if (!el.grabbed()) {
      const p = el.position();
      if (p.x !== wanted.position.x || p.y !== wanted.position.y) el.position(wanted.position);
    }
  }

  syncAnnotation(annotation) {
    if (!annotation) return;
    const el = this.cy.getElementById(annotation.id);
    const wanted = annotationElement(annotation);
    if (el.empty()) {
      this.cy.add(wanted);
      return;
    }
    const changed = changedData({ data: el.data() }, wanted);
    if (Object.keys(changed).length) el.data(changed);
    if (this.onlyHost) el.toggleClass("other-host", wanted.data.host !== this.onlyHost);
    if (!el.grabbed()) {
      const p = el.position();
      if (p.x !== wanted.position.x || p.y !== wanted.position.y) el.position(wanted.position);
    }
  }

  syncLink(link) {
    if (!link) return;
    const el = this.cy.getElementById(link.id);
    const wanted = linkElement(link, this.store.nodes);
    if (el.empty()) {
      if (this.cy.getElementById(wanted.data.source).nonempty() && this.cy.getElementById(wanted.data.target).nonempty()) {
        this.cy.add(wanted);
      }
      return;
    }
    const changed = changedData({ data: el.data() }, wanted);
    delete changed.source;
    delete changed.target;
    if (Object.keys(changed).length) el.data(changed);
  }

  /**
   * Big labs draw links as straight "haystack" lines, Cytoscape's cheapest edge (no per-edge curve geometry):
   * parallel links then overlap, which matters little at the zoom a big lab is viewed at.
   */
  adaptToSize() {
    const big = this.cy.edges().length > LARGE_LAB_LINKS;
    if (big === this.bigLab) return;
    this.bigLab = big;
    this.cy.style().selector("edge").style({ "curve-style": big ? "haystack" : "bezier" }).update();
  }

  /**
   * Zooms and pans so every node shows, but never so far out that names vanish (LABEL_MIN_ZOOM): a lab too big
   * for that is centred, and the minimap shows the rest. `all` shows everything whatever the zoom. Computed
   * from node positions rather than cy.fit(): Cytoscape's bounding boxes measure every label's text, which
   * costs ~0.5 s on a 1000-node lab.
   */
  fit({ all = false } = {}) {
    const cy = this.cy;
    const box = boundsOf(cy.nodes().map((n) => n.position()));
    if (!box) return;
    // Room for the node itself and the name under it.
    const padded = { x1: box.x1 - 50, x2: box.x2 + 50, y1: box.y1 - 30, y2: box.y2 + 50 };
    cy.viewport(fitViewport(padded, cy.width(), cy.height(), { minZoom: all ? cy.minZoom() : LABEL_MIN_ZOOM }));
  }

  /** One zoom step in (+1) or out (-1) about the middle of the canvas. */
  zoomStep(direction) {
    const cy = this.cy;
    const level = steppedZoom(cy.zoom(), direction, { min: cy.minZoom(), max: cy.maxZoom() });
    cy.zoom({ level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  /** Turns snapping on or off; while on, the grid shows behind the lab. */
  setSnap(on) {
    this.snapToGrid = on;
    this.container.classList.toggle("show-grid", on);
    if (on) {
      this.drawGrid ??= () => {
        const zoom = this.cy.zoom();
        const pan = this.cy.pan();
        this.container.style.backgroundSize = `${GRID * zoom}px ${GRID * zoom}px`;
        this.container.style.backgroundPosition = `${pan.x}px ${pan.y}px`;
      };
      this.cy.on("viewport", this.drawGrid);
      this.drawGrid();
    } else if (this.drawGrid) {
      this.cy.off("viewport", this.drawGrid);
    }
  }

  selected() {
    return this.cy.$(":selected").filter((el) => !el.data("temporary"));
  }

  /** The selected ids by kind: {nodes, links, annotations}. */
  selection() {
    const selected = this.selected();
    return {
      nodes: selected.nodes().filter((n) => !n.hasClass("annotation")).map((n) => n.id()),
      links: selected.edges().map((e) => e.id()),
      annotations: selected.nodes(".annotation").map((n) => n.id()),
    };
  }

  /** Selects exactly these ids (what a paste made). */
  selectOnly(ids) {
    this.cy.batch(() => {
      this.cy.$(":selected").unselect();
      for (const id of ids) this.cy.getElementById(id).select();
    });
  }

  select(id) {
    this.cy.$(":selected").unselect();
    const el = this.cy.getElementById(id);
    el.select();
  }
}
