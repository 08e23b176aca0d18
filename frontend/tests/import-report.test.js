import { describe, expect, it } from "vitest";
import { parseMap, refusal, summarise } from "../src/projects/import-report.js";

describe("summarise", () => {
  it("counts what is made, skipped and what cannot run", () => {
    const summary = summarise({
      nodes: [
        { name: "r1", action: "create", reason: "template 'frr'" },
        { name: "pc", action: "skip", reason: "vpcs is not a container" },
        { name: "vm", action: "unsupported", reason: "qemu nodes cannot run here" },
      ],
    });
    expect(summary).toMatchObject({ made: 1, skipped: 1, blocked: 1 });
    expect(summary.rows[2]).toMatchObject({ name: "vm", blocking: true });
  });

  it("reads an answer without nodes as empty", () => {
    expect(summarise(undefined).rows).toEqual([]);
    expect(summarise({ detail: "x" }).made).toBe(0);
  });
});

describe("parseMap", () => {
  it("reads image = template lines", () => {
    expect(parseMap("frrouting/frr* = frr\n# a comment\n\nvpcs=busybox")).toEqual({ "frrouting/frr*": "frr", vpcs: "busybox" });
  });

  it("names a bad line", () => {
    expect(() => parseMap("frr\n")).toThrow(/line 1/);
  });
});

describe("refusal", () => {
  it("names the field of the first refusal", () => {
    expect(refusal({ file: ["line 3: bad indentation"] }, "x")).toBe("file: line 3: bad indentation");
    expect(refusal({ detail: ["2 node(s) cannot run here"] }, "x")).toBe("2 node(s) cannot run here");
    expect(refusal("plain", "fallback")).toBe("fallback");
  });
});
