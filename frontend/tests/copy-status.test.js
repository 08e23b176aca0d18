import { describe, expect, it } from "vitest";
import { consoleAvailable, copiesSummary, copySignature, diffCopies, FAST_POLL_MS, pollDelay, SLOW_POLL_MS } from "../src/courses/copy-status.js";

const copy = (id, status, nodes, extra = {}) => ({
  id,
  project: `p-${id}`,
  project_name: `lab (${id})`,
  assignment_title: "Lab 1",
  status,
  nodes: nodes.map(([name, s]) => ({ id: `${id}-${name}`, name, status: s, error: "" })),
  ...extra,
});

describe("copy status", () => {
  it("changes a row's signature exactly when what it shows changes", () => {
    const a = copy("a", "stopped", [["pc1", "stopped"]]);
    expect(copySignature(a)).toBe(copySignature(structuredClone(a)));
    expect(copySignature(a)).not.toBe(copySignature(copy("a", "started", [["pc1", "started"]])));
    expect(copySignature(a)).not.toBe(copySignature({ ...a, project: "p-new" }));
    const failed = structuredClone(a);
    failed.nodes[0].error = "image missing";
    expect(copySignature(a)).not.toBe(copySignature(failed));
  });

  it("diffs the drawn rows against a poll", () => {
    const a = copy("a", "stopped", [["pc1", "stopped"]]);
    const b = copy("b", "stopped", [["pc1", "stopped"]]);
    const drawn = new Map([
      ["a", copySignature(a)],
      ["gone", "x"],
    ]);
    const moved = copy("a", "started", [["pc1", "started"]]);
    expect(diffCopies(drawn, [b, moved])).toEqual({ add: [b], redraw: [moved], remove: ["gone"], order: ["b", "a"] });
    expect(diffCopies(new Map([["a", copySignature(a)]]), [a])).toEqual({ add: [], redraw: [], remove: [], order: ["a"] });
  });

  it("polls fast while something moves or just after an action", () => {
    const still = [copy("a", "started", [["pc1", "started"]])];
    expect(pollDelay(still)).toBe(SLOW_POLL_MS);
    expect(pollDelay(still, { recentAction: true })).toBe(FAST_POLL_MS);
    expect(pollDelay([copy("a", "partial", [["pc1", "started"], ["pc2", "starting"]])])).toBe(FAST_POLL_MS);
    expect(pollDelay([copy("a", "partial", [["pc1", "stopping"]])])).toBe(FAST_POLL_MS);
    expect(pollDelay([])).toBe(SLOW_POLL_MS);
  });

  it("offers consoles on running nodes only, and sums the table up", () => {
    expect(consoleAvailable({ status: "started" })).toBe(true);
    expect(consoleAvailable({ status: "starting" })).toBe(false);
    expect(copiesSummary([])).toBe("no labs yet");
    const copies = [copy("a", "started", []), copy("b", "partial", []), copy("c", "error", []), copy("d", "stopped", [])];
    expect(copiesSummary(copies)).toBe("2 of 4 labs running · 1 with errors");
    expect(copiesSummary([copy("a", "stopped", [])])).toBe("0 of 1 lab running");
  });
});
