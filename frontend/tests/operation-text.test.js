import { describe, expect, it } from "vitest";
import { doneSentence, progressSentence } from "../src/editor/operation-text.js";

const names = { n1: "r1" };
const nameOf = (id) => names[id];

describe("operation sentences", () => {
  it("says what is happening in words", () => {
    // A start's total counts the startup lines as one more step: 4 means 3 nodes.
    expect(progressSentence({ kind: "project.start", done: 2, total: 4 })).toBe("Starting lab: 2 of 3 nodes");
    expect(progressSentence({ kind: "project.start", done: 0, total: 6 })).toBe("Starting lab: 0 of 5 nodes");
    expect(progressSentence({ kind: "project.start", done: 5, total: 6, status: "running" })).toBe(
      "Starting lab: 5 nodes up, running startup lines",
    );
    expect(progressSentence({ kind: "project.stop", done: 0, total: 1 })).toBe("Stopping lab: 0 of 1 node");
    expect(progressSentence({ kind: "project.start", done: 0, total: 0 })).toBe("Starting lab…");
    expect(progressSentence({ kind: "node.restart", target: "n1" }, nameOf)).toBe("Restarting r1");
    expect(progressSentence({ kind: "node.stop", target: "zz" }, nameOf)).toBe("Stopping a node");
  });

  it("reports the end, and failures with their reason", () => {
    expect(doneSentence({ kind: "project.start", status: "done" })).toEqual({ error: false, text: "Lab started" });
    expect(doneSentence({ kind: "node.start", status: "done", target: "n1" }, nameOf)).toEqual({ error: false, text: "r1 started" });
    expect(doneSentence({ kind: "project.start", status: "error", error: "no image" }).text).toBe("Could not start the lab: no image");
    expect(doneSentence({ kind: "node.stop", status: "error", target: "n1" }, nameOf).text).toBe(
      "Could not stop r1: the worker reported an error",
    );
  });

  it("never shows an internal kind", () => {
    for (const kind of ["project.start", "project.stop", "node.start", "node.stop", "node.restart", "other.kind"]) {
      const op = { kind, done: 0, total: 4, status: "done", target: "n1" };
      expect(progressSentence(op, nameOf)).not.toContain(kind);
      expect(doneSentence(op, nameOf).text).not.toContain(kind);
    }
  });
});
