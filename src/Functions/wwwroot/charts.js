// Hand-rolled inline SVG charts and a Prometheus text parser. No library, no build step.

const SVG_NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A "nice" axis maximum and step: 1, 2, 2.5 or 5 × 10^n. */
function niceScale(max, integer) {
  if (!(max > 0)) return { top: integer ? 4 : 1, step: integer ? 1 : 0.25 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const safeStep = integer ? Math.max(1, Math.ceil(step)) : step;
  return { top: Math.ceil(max / safeStep) * safeStep, step: safeStep };
}

function trim(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, "");
}

/**
 * A bar chart (grouped or stacked) as a <figure> with an accessible name and a legend.
 * categories: x labels; series: [{ name, color, values }]; format(v): value text for tooltips.
 */
export function barChart({ categories, series, stacked = false, title = "", format, integer = false }) {
  const width = 640;
  const height = 240;
  const margin = { top: 12, right: 12, bottom: 36, left: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const fmt = format ?? ((v) => trim(v));
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = stacked ? Math.max(0, ...totals) : Math.max(0, ...series.flatMap((s) => s.values));
  const { top, step } = niceScale(max, integer);
  const y = (v) => margin.top + plotH - (v / top) * plotH;

  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", preserveAspectRatio: "xMidYMid meet",
    "aria-label": `${title}: ${categories.map((c, i) => `${c} ${fmt(totals[i])}`).join(", ")}`,
  });

  const grid = svg("g", { class: "chart-grid" });
  for (let v = 0; v <= top + 1e-9; v += step) {
    grid.append(
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }),
      svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-tick" }, integer ? String(Math.round(v)) : trim(v)));
  }
  root.append(grid);

  const band = categories.length ? plotW / categories.length : plotW;
  const maxBar = stacked || series.length === 1 ? 56 : 28 * series.length;
  const barGap = Math.max(Math.min(12, band * 0.2), band - maxBar);
  const bars = svg("g", { class: "chart-bars" });
  const labelEvery = Math.max(1, Math.ceil(categories.length / 12));
  categories.forEach((category, i) => {
    const x0 = margin.left + i * band + barGap / 2;
    const inner = band - barGap;
    if (stacked) {
      let base = 0;
      for (const s of series) {
        const value = s.values[i] || 0;
        if (value <= 0) continue;
        bars.append(svg("rect", { x: x0, y: y(base + value), width: Math.max(1, inner), height: Math.max(0.5, y(base) - y(base + value)), fill: s.color, rx: 2 },
          svg("title", {}, `${category} · ${s.name}: ${fmt(value)}`)));
        base += value;
      }
    } else {
      const w = inner / Math.max(1, series.length);
      series.forEach((s, j) => {
        const value = s.values[i] || 0;
        bars.append(svg("rect", { x: x0 + j * w, y: y(value), width: Math.max(1, w - 1), height: Math.max(value > 0 ? 0.5 : 0, y(0) - y(value)), fill: s.color, rx: 2 },
          svg("title", {}, `${category} · ${s.name}: ${fmt(value)}`)));
      });
    }
    if (i % labelEvery === 0) {
      bars.append(svg("text", { x: x0 + inner / 2, y: height - margin.bottom + 16, "text-anchor": "middle", class: "chart-label" }, category));
    }
  });
  root.append(bars, svg("line", { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), class: "chart-axis" }));

  const figure = document.createElement("figure");
  figure.className = "chart-figure";
  figure.append(root);
  if (series.length > 1 || stacked) {
    const legend = document.createElement("ul");
    legend.className = "legend";
    for (const s of series) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = s.color;
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, document.createTextNode(`${s.name} (${fmt(s.values.reduce((a, b) => a + b, 0))})`));
      legend.append(item);
    }
    figure.append(legend);
  }
  return figure;
}

/**
 * The first histogram whose name contains "lateness", from Prometheus text: buckets summed over label sets,
 * turned from cumulative counts into per-bucket counts. Null when absent.
 */
export function parseLatenessHistogram(text) {
  if (!text) return null;
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{([^}]*)\}\s+([0-9.eE+-]+|NaN|\+Inf)/;
  const byName = new Map();
  for (const raw of text.split("\n")) {
    const match = raw.match(line);
    if (!match || !match[1].toLowerCase().includes("lateness")) continue;
    const le = /(?:^|,)\s*le="([^"]*)"/.exec(match[2])?.[1];
    if (le === undefined) continue;
    const bound = le === "+Inf" ? Infinity : Number(le);
    const value = Number(match[3]);
    if (Number.isNaN(bound) || Number.isNaN(value)) continue;
    const buckets = byName.get(match[1]) ?? new Map();
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    byName.set(match[1], buckets);
  }
  const [name, buckets] = [...byName.entries()][0] ?? [];
  if (!name) return null;
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  let previous = 0;
  const result = bounds.map((le) => {
    const cumulative = buckets.get(le);
    const count = Math.max(0, cumulative - previous);
    previous = Math.max(previous, cumulative);
    return { le, count };
  });
  return { name, buckets: result, total: previous };
}
