import { describe, expect, it } from "vitest";
import { freeSpot } from "../src/lib/free-spot.js";

describe("freeSpot", () => {
  it("takes the centre when it is free", () => {
    expect(freeSpot({ x: 10.4, y: 20 }, [{ x: 500, y: 500 }])).toEqual({ x: 10, y: 20 });
  });

  it("moves to the nearest free ring spot when the centre is taken", () => {
    expect(freeSpot({ x: 0, y: 0 }, [{ x: 0, y: 0 }], { step: 100, clearance: 50 })).toEqual({ x: 100, y: 0 });
    expect(freeSpot({ x: 0, y: 0 }, [{ x: 0, y: 0 }, { x: 100, y: 0 }], { step: 100, clearance: 50 })).toEqual({ x: 0, y: 100 });
  });

  it("never returns a spot closer than the clearance to a node", () => {
    const occupied = [];
    for (let i = 0; i < 20; i += 1) occupied.push(freeSpot({ x: 0, y: 0 }, occupied, { step: 90, clearance: 60 }));
    for (const a of occupied) {
      for (const b of occupied) if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(60);
    }
  });
});
