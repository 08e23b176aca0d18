/**
 * The canvas grid and the view that fits a lab, as pure functions: where a dropped or dragged node snaps to,
 * and the zoom and pan that show a set of points without shrinking names below a readable size.
 *
 * Division of labour: arithmetic only; canvas.js applies the results to Cytoscape.
 */

export const GRID = 20;

/** Labels are drawn at 12 px and Cytoscape hides text under 7 px on screen: below this zoom names vanish. */
export const LABEL_MIN_ZOOM = 0.6;

/** The grid point nearest to `p`. */
export function snapPoint(p, size = GRID) {
  return { x: Math.round(p.x / size) * size, y: Math.round(p.y / size) * size };
}

/** The bounding box of points, or null when there are none. */
export function boundsOf(points) {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  return x1 === Infinity ? null : { x1, y1, x2, y2 };
}

/**
 * The viewport {zoom, pan} that shows `bounds` (model coordinates, already padded) in a `width`×`height` canvas,
 * with zoom kept within [minZoom, maxZoom]. When the whole box would need a smaller zoom than `minZoom`, the view
 * is centred on the box at `minZoom`: names stay readable and the minimap shows the rest.
 */
export function fitViewport(bounds, width, height, { minZoom = LABEL_MIN_ZOOM, maxZoom = 1.5, margin = 20 } = {}) {
  const w = Math.max(1, bounds.x2 - bounds.x1);
  const h = Math.max(1, bounds.y2 - bounds.y1);
  const wanted = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  const zoom = Math.max(minZoom, Math.min(maxZoom, wanted));
  return {
    zoom,
    pan: { x: (width - zoom * (bounds.x1 + bounds.x2)) / 2, y: (height - zoom * (bounds.y1 + bounds.y2)) / 2 },
  };
}

/** The next zoom level for a zoom button: steps of 25 %, clamped. */
export function steppedZoom(zoom, direction, { min = 0.05, max = 4 } = {}) {
  const next = direction > 0 ? zoom * 1.25 : zoom / 1.25;
  return Math.min(max, Math.max(min, next));
}

/** Zoom change per pixel of wheel movement: a 100 px mouse-wheel notch zooms by 1.25×. */
const WHEEL_RATE = Math.log(1.25) / 100;

/**
 * The factor one wheel event multiplies the zoom by: proportional to the distance scrolled, so a mouse notch
 * (100 px in Chromium, 3 lines in Firefox) is one 1.25× step and a trackpad's many small deltas glide; a
 * single event never more than doubles or halves the zoom.
 * @param {number} deltaY the event's deltaY @param {number} deltaMode 0 pixels, 1 lines, 2 pages
 */
export function wheelZoomFactor(deltaY, deltaMode = 0) {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.min(2, Math.max(0.5, Math.exp(-pixels * WHEEL_RATE)));
}
