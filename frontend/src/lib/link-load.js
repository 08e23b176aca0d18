/**
 * Link load, pure: rates as people read them ("12.4 Mb/s"), an edge's look by its rate, a minute of history
 * per link and direction, and the sparkline's SVG path.
 *
 * Division of labour: numbers in, numbers and strings out; no DOM. The canvas (editor/link-load.js) applies the
 * look, the link panel draws the sparkline; `link.stats` events (one a second, no seq) feed `LoadHistory`.
 */

export const HISTORY_SECONDS = 60;
const UNITS = ["b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"];

/** 12400000 → "12.4 Mb/s"; 0 → "0 b/s"; three significant figures at most. */
export function formatRate(bps) {
  let value = Math.max(0, Number(bps) || 0);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const text = value >= 100 || unit === 0 ? Math.round(value).toString() : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  const trimmed = text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  return `${trimmed} ${UNITS[unit]}`;
}

/** 1234.5 → "1.2k pkt/s" style, for packets and drops. */
export function formatCount(perSecond, unit = "pkt/s") {
  const value = Math.max(0, Number(perSecond) || 0);
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M ${unit}`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k ${unit}`;
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${unit}`;
}

// Logarithmic bands: a lab link carries anything from a few pings (kb/s) to a bare veth's Gb/s.
const BANDS = [
  { min: 1e9, width: 9, colour: "#c5221f" },
  { min: 1e8, width: 7, colour: "#e8710a" },
  { min: 1e7, width: 6, colour: "#f9ab00" },
  { min: 1e6, width: 5, colour: "#1e8e3e" },
  { min: 1e4, width: 4, colour: "#12b5cb" },
  { min: 1, width: 3, colour: "#4285f4" },
];

/** How an edge carrying `bps` (the busier direction) looks: null when idle (the status style applies). */
export function loadLook(bps) {
  const rate = Number(bps) || 0;
  if (rate <= 0) return null;
  const band = BANDS.find((b) => rate >= b.min) || BANDS[BANDS.length - 1];
  return { width: band.width, colour: band.colour };
}

/** The busier direction's bits/s of one link's stats {"a_to_b": {bps}, "b_to_a": {bps}}. */
export function busiest(stats) {
  return Math.max(stats?.a_to_b?.bps || 0, stats?.b_to_a?.bps || 0);
}

/** The last HISTORY_SECONDS samples of each link: {time, a_to_b: {bps,pps,drops}, b_to_a: {...}}. */
export class LoadHistory {
  constructor(seconds = HISTORY_SECONDS) {
    this.seconds = seconds;
    /** @type {Map<string, object[]>} */
    this.samples = new Map();
    this.latest = new Map();
  }

  /** Records one `link.stats` event's links at `time` (ms); links absent from it are idle or down. */
  add(links, time = Date.now()) {
    for (const [id, stats] of Object.entries(links || {})) {
      const list = this.samples.get(id) || [];
      list.push({ time, a_to_b: stats.a_to_b || {}, b_to_a: stats.b_to_a || {} });
      while (list.length && list[0].time <= time - this.seconds * 1000) list.shift();
      this.samples.set(id, list);
      this.latest.set(id, { time, ...stats });
    }
  }

  of(id) {
    return this.samples.get(id) || [];
  }

  forget(id) {
    this.samples.delete(id);
    this.latest.delete(id);
  }
}

/**
 * The SVG path of a sparkline: `values` left to right over `width`, scaled so that `max` touches the top;
 * "" for no values. A single value draws a flat line.
 */
export function sparklinePath(values, width, height, max = Math.max(...values, 0)) {
  if (!values.length) return "";
  const top = max > 0 ? max : 1;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v) => (height - (Math.max(0, v) / top) * height).toFixed(1);
  const points = values.length > 1 ? values.map((v, i) => [i * step, v]) : [[0, values[0]], [width, values[0]]];
  return points.map(([x, v], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y(v)}`).join(" ");
}
