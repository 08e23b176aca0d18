/**
 * What the compute hosts can do, turned into "which impairment inputs to disable, and why".
 *
 * Division of labour: pure functions over GET /api/compute/'s {"hosts": [{name, capabilities}]}.
 * The link form asks `disabledReasons` for the hosts a link's nodes live on and greys out the inputs.
 */

/** Capability needs of impairment fields (see impairment-fields.js "needs"). */
const NEEDS = {
  netem: { has: (c) => Boolean(c.netem), reason: (c) => c.reasons?.netem || "the host has no sch_netem kernel module" },
  // A rate can be done by tbf (or netem's own rate): either will do.
  rate: {
    has: (c) => Boolean(c.tbf || c.netem),
    reason: (c) => c.reasons?.tbf || c.reasons?.netem || "the host has neither the tbf nor the netem qdisc",
  },
};

/**
 * The hosts that matter for a link: those named by its nodes' "compute_host" field when the API gives one,
 * otherwise every host (a conservative choice: a field works only if every host can do it).
 */
export function hostsForNodes(hosts, nodes) {
  const names = new Set(nodes.map((n) => n && (n.compute_host || n.host)).filter(Boolean));
  if (!names.size) return hosts;
  const chosen = hosts.filter((h) => names.has(h.name));
  return chosen.length ? chosen : hosts;
}

/**
 * {need: "reason"} for each need ("netem", "rate") that some of `hosts` cannot meet. The reason names the
 * host when there are several. No hosts known yet means nothing is disabled (the server will refuse).
 */
export function disabledReasons(hosts) {
  const reasons = {};
  for (const [need, rule] of Object.entries(NEEDS)) {
    for (const host of hosts || []) {
      const caps = host.capabilities || {};
      if (!rule.has(caps)) {
        const why = rule.reason(caps);
        reasons[need] = hosts.length > 1 ? `${host.name}: ${why}` : why;
        break;
      }
    }
  }
  return reasons;
}
