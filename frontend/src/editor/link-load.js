/**
 * Link load on the canvas and in the link panel: edges drawn by their rate, "12.4 Mb/s" on hover, and a
 * 60-second sparkline of bits/s and packets/s per direction with drops (plain SVG).
 *
 * Division of labour: the store passes `link.stats` events on (lib/lab-store.js); the numbers, looks and
 * history are lib/link-load.js; this module only puts them on the Cytoscape edges and into the panel.
 */

import { h } from "../lib/dom-builder.js";
import { busiest, formatCount, formatRate, loadLook, LoadHistory } from "../lib/link-load.js";
import { sparklinePath } from "../lib/link-load.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 290;
const HEIGHT = 36;
const COLOURS = { a_to_b: "#1a73e8", b_to_a: "#e8710a" };
const STALE_MS = 2500; // samples come every second: two missed ones mean the link is no longer measured

function svg(tag, attributes = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  return el;
}

export class LinkLoadView {
  /**
   * @param {import("./canvas.js").LabCanvas} canvas
   * @param {import("../lib/lab-store.js").LabStore} store
   */
  constructor(canvas, store) {
    this.cy = canvas.cy;
    this.store = store;
    this.history = new LoadHistory();
    this.panels = new Set();
    this.cy
      .style()
      .selector("edge[loadWidth]")
      .style({ width: "data(loadWidth)", "line-color": "data(loadColour)" })
      .selector("edge.load-hover[loadLabel]")
      .style({
        label: "data(loadLabel)",
        "font-size": 11,
        "font-weight": "bold",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.9,
        "text-background-padding": 2,
        "min-zoomed-font-size": 0,
      })
      .selector("edge:selected")
      .style({ "line-color": "#1a73e8" })
      .update();
    this.cy.on("mouseover", "edge", (event) => event.target.addClass("load-hover"));
    this.cy.on("mouseout", "edge", (event) => event.target.removeClass("load-hover"));
    store.subscribe((change) => {
      if (change.type === "link.stats") this.apply(change.links);
      else if (change.type === "link.deleted") this.history.forget(change.id);
      else if (change.type === "link.updated" && this.store.links.get(change.id)?.status !== "up") this.clear([change.id]);
      else if (change.type === "reset") this.sweep(Infinity);
    });
    // Samplers publish only what they measure, and nothing once the lab is stopped: a figure not renewed
    // within STALE_MS is no longer true and goes (it stayed on the edge after Stop).
    this.sweeper = setInterval(() => this.sweep(), 1000);
  }

  apply(links) {
    this.history.add(links);
    this.cy.batch(() => {
      for (const [id, stats] of Object.entries(links || {})) {
        const edge = this.cy.getElementById(id);
        if (!edge.length || !edge.isEdge()) continue;
        const look = loadLook(busiest(stats));
        if (!look) {
          if (edge.data("loadWidth") !== undefined) edge.removeData("loadWidth loadColour");
        } else edge.data({ loadWidth: look.width, loadColour: look.colour });
        edge.data("loadLabel", `${formatRate(stats.a_to_b?.bps)} → · ← ${formatRate(stats.b_to_a?.bps)}`);
        edge.data("loadBps", busiest(stats));
      }
    });
    this.sweep();
    this.redrawPanels();
  }

  /** Removes the figures of links whose last sample is older than `staleMs` (Infinity: all of them). */
  sweep(staleMs = STALE_MS, now = Date.now()) {
    const stale = [];
    this.cy.edges().forEach((edge) => {
      if (edge.data("loadLabel") === undefined && edge.data("loadWidth") === undefined) return;
      const latest = this.history.latest.get(edge.id());
      if (!latest || staleMs === Infinity || now - latest.time > staleMs) stale.push(edge.id());
    });
    if (stale.length) this.clear(stale);
  }

  /** The links' load look, label and latest figures go (the sparkline keeps its history). */
  clear(ids) {
    this.cy.batch(() => {
      for (const id of ids) {
        this.history.latest.delete(id);
        const edge = this.cy.getElementById(id);
        if (edge.length) edge.removeData("loadWidth loadColour loadLabel loadBps");
      }
    });
    this.redrawPanels();
  }

  redrawPanels() {
    for (const panel of [...this.panels]) {
      if (!panel.el.isConnected) this.panels.delete(panel);
      else panel.draw();
    }
  }

  /** The link panel's load section for `linkId`; it redraws with every `link.stats` while it is on the page. */
  sparkline(linkId) {
    const link = this.store.links.get(linkId);
    const name = (end) => `${this.store.nodes.get(end.node)?.name || "?"}`;
    const labels = link ? { a_to_b: `${name(link.a)} → ${name(link.b)}`, b_to_a: `${name(link.b)} → ${name(link.a)}` } : {};
    const bits = svg("svg", { width: WIDTH, height: HEIGHT, class: "sparkline", "data-metric": "bps" });
    const packets = svg("svg", { width: WIDTH, height: HEIGHT, class: "sparkline", "data-metric": "pps" });
    const legend = h("div", { className: "load-legend" });
    const el = h(
      "section",
      { className: "link-load", dataset: { link: linkId } },
      h("h3", {}, "Load (last 60 s)"),
      legend,
      h("div", { className: "sparkline-label" }, "bits/s"),
      bits,
      h("div", { className: "sparkline-label" }, "packets/s"),
      packets,
    );
    const panel = {
      el,
      draw: () => {
        const samples = this.history.of(linkId);
        for (const [chart, metric] of [
          [bits, "bps"],
          [packets, "pps"],
        ]) {
          const series = ["a_to_b", "b_to_a"].map((d) => samples.map((s) => s[d][metric] || 0));
          const max = Math.max(0, ...series.flat());
          chart.replaceChildren(
            ...["a_to_b", "b_to_a"].map((d, i) =>
              svg("path", { d: sparklinePath(series[i], WIDTH, HEIGHT - 2, max), fill: "none", stroke: COLOURS[d], "stroke-width": 1.5 }),
            ),
          );
        }
        const latest = this.history.latest.get(linkId);
        legend.replaceChildren(
          ...(latest
            ? ["a_to_b", "b_to_a"].map((d) =>
                h(
                  "div",
                  { className: "load-direction", dataset: { direction: d } },
                  h("span", { className: "swatch", style: { background: COLOURS[d] } }),
                  `${labels[d] || d}: ${formatRate(latest[d]?.bps)} · ${formatCount(latest[d]?.pps)}`,
                  latest[d]?.drops ? h("span", { className: "drops" }, ` · ${formatCount(latest[d].drops, "drops/s")}`) : "",
                  latest[d]?.errors ? h("span", { className: "drops" }, ` · ${formatCount(latest[d].errors, "errors/s")}`) : "",
                ),
              )
            : [h("p", { className: "muted" }, "No load figures: the link is down or the lab is not running.")]),
        );
      },
    };
    panel.draw();
    this.panels.add(panel);
    return el;
  }
}
