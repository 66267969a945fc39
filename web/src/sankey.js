/*
 * sankey.js - the plan's flows as a Sankey diagram (d3-sankey), drawn as
 * plain SVG: sources on the left, storage and plants in the middle, needs
 * and landfills on the right; a link's width is the tonnes moved over the
 * horizon (flows summed over months and materials per pair of sites).
 * Sites are coloured by kind. The SVG has a <title> and <desc> so that a
 * screen reader gets a summary; the numbers are also in the flow table.
 */
import { sankey, sankeyLinkHorizontal } from 'd3-sankey';
import { t, num } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const COLOR = { source: '#8a5a2b', storage: '#5b6f8a', plant: '#6b4e9b', need: '#1a6e3a', landfill: '#a33b20', quarry: '#777' };

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/* An <svg> Sankey of plan.flows over plan.sites; width in px. */
export function planSankey(plan, width = 900) {
  const names = new Map(plan.sites.map((s) => [s.id, s]));
  const sum = new Map();
  for (const f of plan.flows) {
    const k = `${f.from}\u0000${f.to}`;
    sum.set(k, (sum.get(k) || 0) + f.tonnes);
  }
  const used = new Set();
  const links = [];
  for (const [k, v] of sum) {
    const [a, b] = k.split('\u0000');
    if (a === b || v <= 0) continue;
    used.add(a); used.add(b);
    links.push({ source: a, target: b, value: v });
  }
  const nodes = [...used].map((id) => ({ id, name: names.get(id)?.name || id, kind: names.get(id)?.kind || '' }));
  const height = Math.max(320, Math.min(1600, nodes.length * 16));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'sankey', role: 'img', 'aria-labelledby': 'sk-t sk-d', width: '100%' });
  svg.append(el('title', { id: 'sk-t' }, t('plan.sankey')), el('desc', { id: 'sk-d' }, t('plan.sankey.desc', { n: links.length, m: nodes.length })));
  if (!links.length) return svg;
  const layout = sankey().nodeId((d) => d.id).nodeWidth(12).nodePadding(4)
    .nodeSort((a, b) => b.value - a.value)
    .extent([[1, 5], [width - 1, height - 5]]);
  let graph;
  try { graph = layout({ nodes: nodes.map((d) => ({ ...d })), links: links.map((d) => ({ ...d })) }); } catch { return svg; }
  const gl = el('g', { fill: 'none', 'stroke-opacity': '0.35' });
  const path = sankeyLinkHorizontal();
  for (const l of graph.links) {
    const p = el('path', { d: path(l), stroke: COLOR[l.source.kind] || '#888', 'stroke-width': String(Math.max(1, l.width)) });
    p.append(el('title', {}, `${l.source.name} → ${l.target.name}: ${num(l.value)} t`));
    gl.append(p);
  }
  const gn = el('g', {});
  for (const n of graph.nodes) {
    const r = el('rect', { x: n.x0, y: n.y0, width: n.x1 - n.x0, height: Math.max(1, n.y1 - n.y0), fill: COLOR[n.kind] || '#555' });
    r.append(el('title', {}, `${n.name} (${t(`kind.${n.kind}`)}): ${num(n.value)} t`));
    gn.append(r);
    if (n.y1 - n.y0 >= 9) {
      const left = n.x0 < width / 2;
      gn.append(el('text', { x: left ? n.x1 + 4 : n.x0 - 4, y: (n.y0 + n.y1) / 2, dy: '0.35em', 'text-anchor': left ? 'start' : 'end', 'font-size': '10' }, n.name));
    }
  }
  svg.append(gl, gn);
  return svg;
}
