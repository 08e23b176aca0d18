/**
 * Node icons by role (router, switch, host, server, firewall, cloud) with the node's live status as a badge in
 * the icon's top-right corner, as SVG data URIs the canvas uses as background images.
 *
 * Division of labour: which role a node plays (`roleOf`: the template's `role` when it has one, else from its
 * kind: bridge/ovs → switch, docker → host) and what that role and status look like. The icons are small SVGs
 * drawn for webgns in ./icons/. One URI per role and status, made once, so Cytoscape decodes each image once.
 */

import { STATUS_COLOURS } from "../lib/graph-elements.js";
import cloud from "./icons/cloud.svg?raw";
import firewall from "./icons/firewall.svg?raw";
import host from "./icons/host.svg?raw";
import router from "./icons/router.svg?raw";
import server from "./icons/server.svg?raw";
import switchIcon from "./icons/switch.svg?raw";

export const ROLE_ICONS = { router, switch: switchIcon, host, server, firewall, cloud };
export const ROLES = Object.keys(ROLE_ICONS);
const KIND_ROLES = { bridge: "switch", ovs: "switch", docker: "host" };

/** The role a node is drawn as, from its template's role when known, else from its kind. */
export function roleOf(node, template) {
  const role = node?.role || template?.role;
  if (role && ROLE_ICONS[role]) return role;
  return KIND_ROLES[node?.kind || template?.kind] || "host";
}

/** The icon SVG for a role with a badge in the status's colour (an error badge carries a "!"). */
export function iconSvg(role, status) {
  const body = ROLE_ICONS[role] || ROLE_ICONS.host;
  const colour = STATUS_COLOURS[status] || STATUS_COLOURS.stopped;
  const mark =
    status === "error"
      ? '<path d="M34 3.5v5" stroke="#fff" stroke-width="2"/><circle cx="34" cy="10.5" r="1" fill="#fff"/>'
      : "";
  const badge = `<circle cx="34" cy="7" r="5.5" fill="${colour}" stroke="#fff" stroke-width="1.5"/>${mark}`;
  // An explicit size: without one, browsers give an SVG image 300×150 and Cytoscape scales the wrong box.
  return body
    .trim()
    .replace(/^<svg /, '<svg width="40" height="40" ')
    .replace(/<\/svg>$/, `${badge}</svg>`);
}

const cache = new Map();

/** A data URI of iconSvg(role, status), made once per pair. */
export function iconUri(role, status) {
  const key = `${role}/${status}`;
  if (!cache.has(key)) cache.set(key, `data:image/svg+xml;utf8,${encodeURIComponent(iconSvg(role, status))}`);
  return cache.get(key);
}
