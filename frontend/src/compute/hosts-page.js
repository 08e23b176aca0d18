/**
 * The Compute hosts page (/compute/): every host's status, nodes, memory and last heartbeat, read
 * from `GET /api/compute/` every few seconds, so a host that stops answering turns red by itself.
 */

import { h } from "../lib/dom-builder.js";
import { hostSummary } from "./host-summary.js";

const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);

export class HostsPage {
  constructor(api) {
    this.api = api;
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  async refresh() {
    try {
      const { hosts } = await this.api.get("/compute/");
      $("page-error").textContent = "";
      $("host-rows").replaceChildren(...hosts.map((host) => this.row(hostSummary(host))));
      $("no-hosts").hidden = hosts.length > 0;
    } catch (error) {
      $("page-error").textContent = `Compute hosts could not be loaded: ${error.message}`;
    }
  }

  row(host) {
    const lacks = host.missing.length ? `lacks ${host.missing.join(", ")}` : "";
    return h(
      "tr",
      { dataset: { host: host.name, status: host.up ? "up" : "down" }, className: host.up ? "host-up" : "host-down" },
      h("td", {}, h("span", { className: `status-dot ${host.up ? "status-started" : "status-error"}` }, "●"), " ", host.name),
      h("td", { className: "host-status" }, host.status),
      h("td", {}, host.nodes),
      h("td", {}, host.memory),
      h("td", { className: "muted" }, host.hostMemory),
      h("td", { className: "muted" }, host.cpus),
      h("td", { className: "host-last-seen" }, host.lastSeen),
      h("td", { className: "muted" }, lacks),
    );
  }
}
