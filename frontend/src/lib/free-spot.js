/**
 * Where to put a node dropped by a click (no drop point): the nearest spot to the view's centre that no node
 * covers, searched on rings of a grid, so repeated clicks lay nodes side by side instead of stacking them.
 *
 * Division of labour: pure geometry over model coordinates.
 */

/** The first point on rings around `centre` (spacing `step`) farther than `clearance` from every `occupied` point. */
export function freeSpot(centre, occupied, { step = 90, clearance = 60, maxRing = 30 } = {}) {
  const isFree = (p) => occupied.every((o) => Math.hypot(o.x - p.x, o.y - p.y) >= clearance);
  for (let ring = 0; ring <= maxRing; ring += 1) {
    const border = [];
    for (let dy = -ring; dy <= ring; dy += 1) {
      for (let dx = -ring; dx <= ring; dx += 1) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) border.push([dx, dy]);
      }
    }
    // Nearest first, then clockwise from the right, so a row of clicks reads left to right.
    const angle = ([dx, dy]) => (Math.atan2(dy, dx) + 2 * Math.PI) % (2 * Math.PI);
    border.sort((p, q) => Math.hypot(...p) - Math.hypot(...q) || angle(p) - angle(q));
    for (const [dx, dy] of border) {
      const p = { x: Math.round(centre.x + dx * step), y: Math.round(centre.y + dy * step) };
      if (isFree(p)) return p;
    }
  }
  return { x: Math.round(centre.x), y: Math.round(centre.y) };
}
