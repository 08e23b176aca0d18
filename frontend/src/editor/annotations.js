/**
 * Annotations on the canvas: text notes, rectangles and ellipses with colours, drawn behind the lab.
 *
 * Division of labour: pure functions between the API's annotation (`x`, `y` = top-left corner, `width`,
 * `height`, `style` {fill, stroke, color, font_size, stroke_width, opacity}) and a Cytoscape node (positioned by
 * its centre, class "annotation"), plus the defaults of a new one. canvas.js draws them, annotation-panel.js edits
 * them, editor.js turns gestures into requests (each undoable).
 */

export const ANNOTATION_PREFIX = "annotation";

/** Colours offered for shapes and notes: light fills with a darker stroke or text of the same hue. */
export const PALETTE = [
  { name: "blue", fill: "#e8f0fe", stroke: "#1a73e8" },
  { name: "green", fill: "#e6f4ea", stroke: "#188038" },
  { name: "yellow", fill: "#fef7e0", stroke: "#b06000" },
  { name: "red", fill: "#fce8e6", stroke: "#d93025" },
  { name: "grey", fill: "#f1f3f4", stroke: "#5f6368" },
];

export const DEFAULTS = {
  text: { width: 160, height: 40, style: { color: "#202124", font_size: 14 }, text: "Note" },
  rect: { width: 240, height: 160, style: { fill: PALETTE[0].fill, stroke: PALETTE[0].stroke }, text: "" },
  ellipse: { width: 240, height: 160, style: { fill: PALETTE[2].fill, stroke: PALETTE[2].stroke }, text: "" },
};

/** The POST body of a new annotation of `kind` centred on `centre`. */
export function newAnnotation(kind, centre) {
  const d = DEFAULTS[kind];
  return {
    kind,
    text: d.text,
    x: Math.round(centre.x - d.width / 2),
    y: Math.round(centre.y - d.height / 2),
    width: d.width,
    height: d.height,
    style: { ...d.style },
    z: 0,
  };
}

/** The Cytoscape node definition of an API annotation. */
export function annotationElement(a) {
  const style = a.style || {};
  const width = Number(a.width) || 1;
  const height = Number(a.height) || 1;
  const text = a.kind === "text";
  return {
    group: "nodes",
    classes: `annotation annotation-${a.kind}`,
    data: {
      id: a.id,
      annotation: a.kind,
      label: a.text || "",
      w: width,
      h: height,
      z: Number(a.z) || 0,
      fill: style.fill || (text ? "#ffffff" : "#f1f3f4"),
      stroke: style.stroke || (text ? "#ffffff" : "#5f6368"),
      color: style.color || style.stroke || "#202124",
      fontSize: Number(style.font_size) || 14,
      strokeWidth: style.stroke_width ?? (text ? 0 : 1.5),
      opacity: style.opacity ?? (text ? 0 : 0.85),
    },
    position: { x: Number(a.x) + width / 2, y: Number(a.y) + height / 2 },
    selectable: true,
    grabbable: true,
  };
}

/** The API's top-left `{x, y}` of an annotation whose Cytoscape centre is `centre`. */
export function topLeft(centre, width, height) {
  return { x: Math.round(centre.x - width / 2), y: Math.round(centre.y - height / 2) };
}
