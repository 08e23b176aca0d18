import { describe, expect, it } from "vitest";
import { annotationElement, newAnnotation, topLeft } from "../src/editor/annotations.js";

describe("annotations", () => {
  it("a new one is centred where asked, with its kind's defaults", () => {
    const body = newAnnotation("rect", { x: 100, y: 100 });
    expect(body).toMatchObject({ kind: "rect", x: -20, y: 20, width: 240, height: 160 });
    expect(body.style.fill).toMatch(/^#/);
    expect(newAnnotation("text", { x: 0, y: 0 }).text).toBe("Note");
  });

  it("maps the API's corner to Cytoscape's centre and back", () => {
    const a = { id: "a1", kind: "ellipse", text: "DMZ", x: 10, y: 20, width: 100, height: 50, style: { fill: "#fce8e6" }, z: -2 };
    const el = annotationElement(a);
    expect(el.position).toEqual({ x: 60, y: 45 });
    expect(el.classes).toBe("annotation annotation-ellipse");
    expect(el.data).toMatchObject({ label: "DMZ", w: 100, h: 50, z: -2, fill: "#fce8e6", annotation: "ellipse" });
    expect(topLeft(el.position, 100, 50)).toEqual({ x: 10, y: 20 });
  });

  it("text notes have no box by default", () => {
    const el = annotationElement({ id: "t", kind: "text", text: "hi", x: 0, y: 0, width: 10, height: 10, style: {} });
    expect(el.data.opacity).toBe(0);
    expect(el.data.strokeWidth).toBe(0);
  });
});
