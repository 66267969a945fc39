/*
 * charts.js - small SVG charts without a chart library: vertical bars
 * with an optional horizontal reference line (the IKAP picture), and
 * horizontal bars (per municipality, per month). Every chart has a
 * <title>/<desc>, and the views also give the numbers as a table, so
 * nothing is told by colour or shape alone.
 */
import { num } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/* Vertical bars data [{label, value}] with a reference line at `line` (or null). */
export function barLineChart(data, { line = null, title = '', desc = '', barLabel = '', lineLabel = '', cls = '' } = {}) {
  const W = 640; const H = 300; const L = 70; const B = 30; const T = 30;
  const max = niceMax(Math.max(line || 0, ...data.map((d) => d.value)));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: `chart ${cls}`, role: 'img', width: '100%' });
  svg.append(el('title', {}, title), el('desc', {}, desc));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg.append(el('line', { x1: L, x2: W - 5, y1: y(v), y2: y(v), stroke: '#ccc' }),
      el('text', { x: L - 6, y: y(v), dy: '0.35em', 'text-anchor': 'end', 'font-size': 11 }, num(v)));
  }
  const bw = (W - L - 10) / Math.max(1, data.length);
  data.forEach((d, i) => {
    const x = L + i * bw + bw * 0.15;
    const r = el('rect', { x, y: y(d.value), width: bw * 0.7, height: Math.max(0, y(0) - y(d.value)), fill: '#2f6690', class: 'bar' });
    r.append(el('title', {}, `${d.label}: ${num(d.value)}`));
    svg.append(r, el('text', { x: x + bw * 0.35, y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11 }, d.label));
  });
  if (line !== null) {
    svg.append(el('line', { x1: L, x2: W - 5, y1: y(line), y2: y(line), stroke: '#111', 'stroke-width': 2.5, 'stroke-dasharray': '6 4', class: 'ref-line' }));
  }
  svg.append(el('rect', { x: L, y: 6, width: 12, height: 12, fill: '#2f6690' }), el('text', { x: L + 16, y: 16, 'font-size': 11 }, barLabel),
    line !== null ? el('line', { x1: L + 260, x2: L + 284, y1: 12, y2: 12, stroke: '#111', 'stroke-width': 2.5, 'stroke-dasharray': '6 4' }) : '',
    line !== null ? el('text', { x: L + 290, y: 16, 'font-size': 11 }, lineLabel) : '');
  return svg;
}

/* Horizontal bars data [{label, value}] (values may be negative). */
export function hbarChart(data, { title = '', desc = '', unit = '' } = {}) {
  const rowH = 22; const L = 150; const W = 640; const H = data.length * rowH + 10;
  const max = Math.max(1, ...data.map((d) => Math.abs(d.value)));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart hbar', role: 'img', width: '100%' });
  svg.append(el('title', {}, title), el('desc', {}, desc));
  const zero = data.some((d) => d.value < 0) ? L + (W - L - 80) / 2 : L;
  const scale = (W - zero - 80) / max;
  data.forEach((d, i) => {
    const w = Math.abs(d.value) * scale;
    const yy = 5 + i * rowH;
    svg.append(el('text', { x: L - 6, y: yy + rowH / 2, dy: '0.35em', 'text-anchor': 'end', 'font-size': 11 }, d.label),
      el('rect', { x: d.value < 0 ? zero - w : zero, y: yy + 3, width: Math.max(0.5, w), height: rowH - 6, fill: d.value < 0 ? '#a33b20' : '#2f6690' }),
      el('text', { x: (d.value < 0 ? zero : zero + w) + 4, y: yy + rowH / 2, dy: '0.35em', 'font-size': 11 }, `${num(d.value)} ${unit}`));
  });
  return svg;
}
