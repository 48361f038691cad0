// A small time-series line chart on <canvas>: a few series, a rolling window, y axis from 0 to a
// rounded maximum. Redrawn whole on every poll; at ~150 points × a few series that costs nothing,
// and it keeps the code free of incremental-update bookkeeping.

export const PALETTE = ['#2b6cb0', '#2f855a', '#c05621', '#805ad5', '#b83280', '#2c7a7b'];

/** 1, 2, 5 × 10^n at or above v, so axis labels are round numbers. */
export function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function formatTick(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(v < 10 ? 1 : 0)}`;
}

export class LineChart {
  /** @param {HTMLCanvasElement} canvas @param {HTMLElement|null} legend */
  constructor(canvas, legend, { windowSize = 150 } = {}) {
    this.canvas = canvas;
    this.legend = legend;
    this.windowSize = windowSize;
    this.series = new Map(); // name -> number[] (aligned with this.times)
    this.times = [];
  }

  /** Append one sample per series; a series missing from `values` gets a gap (null). */
  push(time, values) {
    this.times.push(time);
    for (const name of Object.keys(values)) {
      if (!this.series.has(name)) this.series.set(name, new Array(this.times.length - 1).fill(null));
    }
    for (const [name, arr] of this.series) arr.push(name in values ? values[name] : null);
    if (this.times.length > this.windowSize) {
      this.times.shift();
      for (const arr of this.series.values()) arr.shift();
    }
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const cssW = c.clientWidth || c.width;
    const cssH = c.clientHeight || c.height;
    // Size the backing store to the CSS box so lines stay crisp on HiDPI screens.
    if (c.width !== Math.round(cssW * dpr) || c.height !== Math.round(cssH * dpr)) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);

    const left = 40, right = 6, top = 6, bottom = 14;
    const w = cssW - left - right, hgt = cssH - top - bottom;
    let max = 0;
    for (const arr of this.series.values()) for (const v of arr) if (v !== null && v > max) max = v;
    const ymax = niceCeil(max);

    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 2; i++) {
      const y = Math.round(top + hgt - (hgt * i) / 2) + 0.5;
      ctx.strokeStyle = i === 0 ? '#cbd2d9' : '#edf0f3';
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      ctx.fillStyle = '#7b8794';
      ctx.fillText(formatTick((ymax * i) / 2), left - 5, y);
    }
    const n = this.times.length;
    if (n > 0) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      const span = (this.times[n - 1] - this.times[0]) / 1000;
      ctx.fillText(n > 1 ? `last ${Math.round(span)} s` : 'waiting for samples', left, cssH - 2);
    }

    // Samples spread over the full width (the caption says how many seconds that is), so a chart
    // is readable from the second poll on instead of a sliver at the right edge.
    const x = (i) => left + (n <= 1 ? w : (w * i) / (n - 1));
    const y = (v) => top + hgt - (hgt * v) / ymax;
    let idx = 0;
    const legendItems = [];
    for (const [name, arr] of this.series) {
      const color = PALETTE[idx++ % PALETTE.length];
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.6;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      let pen = false;
      arr.forEach((v, i) => {
        if (v === null) { pen = false; return; }
        if (pen) ctx.lineTo(x(i), y(v));
        else ctx.moveTo(x(i), y(v));
        pen = true;
      });
      ctx.stroke();
      const lastIdx = arr.length - 1;
      const last = arr[lastIdx];
      if (last !== null && last !== undefined) {
        ctx.beginPath();
        ctx.arc(x(lastIdx), y(last), 2.2, 0, Math.PI * 2);
        ctx.fill();
      }
      legendItems.push({ name, color, last });
    }
    if (this.legend) this.renderLegend(legendItems);
  }

  renderLegend(items) {
    const nodes = items.map(({ name, color, last }) => {
      const item = document.createElement('span');
      item.className = 'legend-item';
      const sw = document.createElement('i');
      sw.style.background = color; // CSSOM, allowed under the style-src 'self' policy
      item.append(sw, document.createTextNode(`${name} ${last === null || last === undefined ? '–' : formatTick(last)}`));
      return item;
    });
    this.legend.replaceChildren(...nodes);
  }
}
