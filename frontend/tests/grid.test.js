import { describe, expect, it } from "vitest";
import { boundsOf, fitViewport, LABEL_MIN_ZOOM, snapPoint, steppedZoom, wheelZoomFactor } from "../src/editor/grid.js";

describe("grid", () => {
  it("snaps to the nearest grid point", () => {
    expect(snapPoint({ x: 29, y: -11 })).toEqual({ x: 20, y: -20 });
    expect(snapPoint({ x: 31, y: 9 }, 10)).toEqual({ x: 30, y: 10 });
  });

  it("fits a small lab at no more than the maximum zoom, centred", () => {
    const view = fitViewport({ x1: 0, y1: 0, x2: 100, y2: 100 }, 1000, 600);
    expect(view.zoom).toBe(1.5);
    expect(view.pan).toEqual({ x: 425, y: 225 });
  });

  it("never zooms out so far that names vanish: a big lab is centred at the label zoom", () => {
    const bounds = boundsOf([{ x: 0, y: 0 }, { x: 5000, y: 2000 }]);
    const view = fitViewport(bounds, 1000, 600);
    expect(view.zoom).toBe(LABEL_MIN_ZOOM);
    // The lab's centre is the canvas's centre.
    expect(view.pan.x + view.zoom * 2500).toBeCloseTo(500);
    expect(view.pan.y + view.zoom * 1000).toBeCloseTo(300);
    // Showing everything is possible when asked for.
    expect(fitViewport(bounds, 1000, 600, { minZoom: 0.05 }).zoom).toBeLessThan(0.2);
  });

  it("steps zoom by a quarter within limits", () => {
    expect(steppedZoom(1, 1)).toBe(1.25);
    expect(steppedZoom(1, -1)).toBe(0.8);
    expect(steppedZoom(3.9, 1)).toBe(4);
    expect(boundsOf([])).toBe(null);
  });

  it("zooms by 1.25 per wheel notch, smoothly for small deltas, bounded for huge ones", () => {
    expect(wheelZoomFactor(-100)).toBeCloseTo(1.25);
    expect(wheelZoomFactor(100)).toBeCloseTo(0.8);
    expect(wheelZoomFactor(-3, 1)).toBeCloseTo(Math.pow(1.25, 0.99));
    expect(wheelZoomFactor(-4)).toBeGreaterThan(1);
    expect(wheelZoomFactor(-4)).toBeLessThan(1.01);
    expect(wheelZoomFactor(-10000)).toBe(2);
    expect(wheelZoomFactor(10000)).toBe(0.5);
  });
});
