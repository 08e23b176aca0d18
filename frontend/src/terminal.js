/**
 * The pop-out console page (/projects/<p>/nodes/<n>/terminal/): one node's terminal filling a window of its own.
 *
 * Division of labour: the same TerminalDock as the editor (one tab), plus the project's events socket so the tab
 * says when the node stops and reconnects when it starts again. The window's title follows the node's name.
 */

import "./styles/base.css";
import "./styles/terminal-window.css";

import { ApiClient } from "./lib/api-client.js";
import { consolePath } from "./lib/console-protocol.js";
import { EventsSocket, socketUrl } from "./lib/events-socket.js";
import { LabStore } from "./lib/lab-store.js";
import { TerminalDock } from "./lib/terminal-dock.js";

const config = document.getElementById("terminal-config").dataset;
const { projectId } = config;
let { nodeId } = config;
const api = new ApiClient(config.apiBase || "/api");
const store = new LabStore();
const dock = new TerminalDock(document.getElementById("terminal-window"), (node, mode) =>
  socketUrl(consolePath(projectId, node.id, mode)),
);
const problem = document.getElementById("terminal-problem");

function showTitle(node) {
  document.title = `${node.name} · console · webgns`;
  dock.rename(node.id, node.name);
}

async function main() {
  let node;
  try {
    node = await api.get(`/projects/${projectId}/nodes/${nodeId}/`);
  } catch (error) {
    problem.textContent = error.status === 404 ? "This node does not exist, or you may not open it." : error.message;
    return;
  }
  showTitle(node);
  await dock.open(node);
  dock.nodeStatus(node.id, node.status);
  store.subscribe((change) => {
    const current = store.nodes.get(nodeId);
    if (change.type === "node.deleted" && change.id === nodeId) {
      problem.textContent = `${node.name} was deleted from the lab.`;
      return;
    }
    if (!current && change.type === "reset") {
      // The lab was reset: its nodes are new. Follow this node's successor of the same name, or end.
      const successor = [...store.nodes.values()].find((n) => n.name === node.name);
      dock.followReplacement(store.nodes);
      if (!successor) return;
      nodeId = successor.id;
      node = successor;
      history.replaceState(null, "", `/projects/${projectId}/nodes/${nodeId}/terminal/`);
      return;
    }
    if (!current) return;
    if (change.type === "reset" || change.id === nodeId) {
      dock.nodeStatus(nodeId, current.status);
      if (current.name !== node.name) showTitle(current);
      node = current;
    }
  });
  new EventsSocket(socketUrl(`/ws/projects/${projectId}/events/`), store);
  window.webgnsTerminal = { dock, store };
}

main();
