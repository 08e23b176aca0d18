import { describe, expect, it } from "vitest";
import { busiest, formatCount, formatRate, loadLook, LoadHistory, sparklinePath } from "../src/lib/link-load.js";

describe("formatRate", () => {
  it("reads like a person writes it", () => {
    expect(formatRate(12_400_000)).toBe("12.4 Mb/s");
    expect(formatRate(10_000_000)).toBe("10 Mb/s");
    expect(formatRate(999)).toBe("999 b/s");
    expect(formatRate(1500)).toBe("1.5 kb/s");
    expect(formatRate(15_300_000_000)).toBe("15.3 Gb/s");
    expect(formatRate(0)).toBe("0 b/s");
    expect(formatRate(undefined)).toBe("0 b/s");
    expect(formatRate(123_456)).toBe("123 kb/s");
  });
  it("counts packets", () => {
    expect(formatCount(1234)).toBe("1.2k pkt/s");
    expect(formatCount(4.25, "drops/s")).toBe("4.3 drops/s");
  });
});

describe("loadLook", () => {
  it("is idle (null) at zero and grows with the rate", () => {
    expect(loadLook(0)).toBeNull();
    const slow = loadLook(800);
    const fast = loadLook(10e6);
    const line = loadLook(5e9);
    expect(slow.width).toBeLessThan(fast.width);
    expect(fast.width).toBeLessThan(line.width);
    expect(new Set([slow.colour, fast.colour, line.colour]).size).toBe(3);
  });
  it("takes the busier direction", () => {
    expect(busiest({ a_to_b: { bps: 5 }, b_to_a: { bps: 9 } })).toBe(9);
    expect(busiest(undefined)).toBe(0);
  });
});

describe("LoadHistory", () => {
  it("keeps one minute per link", () => {
    const history = new LoadHistory(60);
    for (let s = 0; s < 90; s += 1) history.add({ l1: { a_to_b: { bps: s }, b_to_a: { bps: 0 } } }, s * 1000);
    const samples = history.of("l1");
    expect(samples.length).toBe(60);
    expect(samples[0].a_to_b.bps).toBe(30);
    expect(history.latest.get("l1").a_to_b.bps).toBe(89);
    expect(history.of("other")).toEqual([]);
    history.forget("l1");
    expect(history.of("l1")).toEqual([]);
  });
});

describe("sparklinePath", () => {
  it("spans the width and puts the maximum at the top", () => {
    expect(sparklinePath([0, 5, 10], 100, 20)).toBe("M0.0,20.0 L50.0,10.0 L100.0,0.0");
  });
  it("draws a flat line for one value and nothing for none", () => {
    expect(sparklinePath([3], 10, 10)).toBe("M0.0,0.0 L10.0,0.0");
    expect(sparklinePath([], 10, 10)).toBe("");
  });
  it("stays at the bottom when everything is zero", () => {
    expect(sparklinePath([0, 0], 10, 8, 0)).toBe("M0.0,8.0 L10.0,8.0");
  });
});
