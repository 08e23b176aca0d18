import { describe, expect, it } from "vitest";
import { ago, hostSummary } from "../src/compute/host-summary.js";

const NOW = Date.parse("2026-12-03T07:00:00Z");
const host = (over = {}) => ({
  name: "b",
  status: "up",
  status_reason: "",
  last_seen: "2026-12-03T06:59:57Z",
  nodes: 3,
  reserved_memory_mb: 384,
  capabilities: { netem: false, reasons: { netem: "no sch_netem" } },
  capacity: { cpus: 2, memory_mb: 24000, memory_available_mb: 20000, node_memory_mb: 19200, max_nodes: 1000 },
  ...over,
});

describe("hostSummary", () => {
  it("shows an answering host's load and the age of its heartbeat", () => {
    const s = hostSummary(host(), NOW);
    expect(s).toMatchObject({ up: true, status: "up", nodes: "3 of 1000", lastSeen: "3 s ago", cpus: "2" });
    expect(s.memory).toBe("384 MB of 18.8 GiB for nodes");
    expect(s.hostMemory).toBe("19.5 GiB free of 23.4 GiB");
    expect(s.missing).toEqual(["netem"]);
  });

  it("says why a host is down", () => {
    const s = hostSummary(host({ status: "down", status_reason: "no heartbeat since 06:58:00 UTC", last_seen: "2026-12-03T06:58:00Z" }), NOW);
    expect(s.up).toBe(false);
    expect(s.status).toBe("down: no heartbeat since 06:58:00 UTC");
    expect(s.lastSeen).toBe("2 min ago");
  });

  it("does not invent a capacity a host has not reported", () => {
    const s = hostSummary(host({ capacity: {} }), NOW);
    expect(s.memory).toBe("not reported yet");
    expect(s.nodes).toBe("3");
    expect(s.hostMemory).toBe("");
  });
});

describe("ago", () => {
  it("rounds to the largest sensible unit", () => {
    expect(ago(0.4)).toBe("0 s ago");
    expect(ago(-2)).toBe("0 s ago");
    expect(ago(7200)).toBe("2 h ago");
    expect(ago(3 * 86400)).toBe("3 d ago");
  });
});
