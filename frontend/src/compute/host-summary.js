/**
 * One compute host as the Compute hosts page shows it, from a host of `GET /api/compute/`: pure, so
 * the wording (status, memory, the age of the last heartbeat) is tested without a browser.
 */

export function ago(seconds) {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

function mb(value) {
  return value >= 10240 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MB`;
}

export function hostSummary(host, now = Date.now()) {
  const capacity = host.capacity || {};
  const reported = Number.isFinite(capacity.node_memory_mb);
  return {
    name: host.name,
    up: host.status === "up",
    status: host.status === "up" ? "up" : `down: ${host.status_reason || "not answering"}`,
    nodes: reported ? `${host.nodes} of ${capacity.max_nodes}` : String(host.nodes),
    memory: reported ? `${mb(host.reserved_memory_mb)} of ${mb(capacity.node_memory_mb)} for nodes` : "not reported yet",
    hostMemory: Number.isFinite(capacity.memory_mb) ? `${mb(capacity.memory_available_mb)} free of ${mb(capacity.memory_mb)}` : "",
    cpus: Number.isFinite(capacity.cpus) ? String(capacity.cpus) : "",
    lastSeen: ago((now - Date.parse(host.last_seen)) / 1000),
    missing: Object.keys(capacityReasons(host)),
  };
}

/** What this host lacks, with the reasons its worker reported (netem, ovs...). */
export function capacityReasons(host) {
  return (host.capabilities && host.capabilities.reasons) || {};
}
