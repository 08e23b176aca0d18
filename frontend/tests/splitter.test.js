import { describe, expect, it } from "vitest";
import { clampWidth } from "../src/editor/splitter.js";

describe("clampWidth", () => {
  it("keeps a pane within its limits", () => {
    expect(clampWidth(500, 320, 900)).toBe(500);
    expect(clampWidth(100, 320, 900)).toBe(320);
    expect(clampWidth(1200, 320, 900)).toBe(900);
    // When the window is too narrow for both minimums, the pane keeps its own.
    expect(clampWidth(500, 320, 200)).toBe(320);
  });
});
