/*
 * sankey.js - the plan's flows as a Sankey diagram (d3-sankey), drawn as
 * plain SVG: sources on the left, storage and plants in the middle, needs
 * and landfills on the right; a link's width is the tonnes moved over the
 * horizon (flows summed over months and materials per pair of sites).
 * Sites are coloured by kind. The SVG has a <title> and <desc> so that a
 * screen reader gets a summary; the numbers are also in the flow table.
 *
 * A plan may move masses in a circle (a plant to a storage site and back,
 * one storage site to another and back), which d3-sankey cannot lay out.
 * Such a flow (a back edge of a depth-first walk that starts from the
 * sources) is drawn into a second box of the site it returns to, marked
 * "↺", so every tonne stays in the picture and the graph has no cycle.
 * With more than GROUP_OVER sites the diagram shows one box per kind of
 * site instead (with the number of sites in it), so a whole region stays
 * readable. If the layout still fails, the diagram says so in words.
 */
import { sankey, sankeyLinkHorizontal } from 'd3-sankey';
import { t, num } from './i18n.js';
import { ds } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const GROUP_OVER = 80;
const RANK = { source: 0, quarry: 0, storage: 1, plant: 2, need: 3, landfill: 3 };
const COLOR = { source: '#8a5a2b', storage: '#5b6f8a', plant: '#6b4e9b', need: '#1a6e3a', landfill: '#a33b20', quarry: '#777' };

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/* The flows summed per pair of boxes: a box is a site, or a kind of site
 * when there are many sites. */
function boxes(plan) {
  const sites = new Map(plan.sites.map((s) => [s.id, s]));
  const used = new Set();
  for (const f of plan.flows) { used.add(f.from); used.add(f.to); }
  const grouped = used.size > GROUP_OVER;
  const count = new Map();
  const boxOf = (id) => {
    const kind = sites.get(id)?.kind || '';
    return grouped ? kind : id;
  };
  if (grouped) for (const id of used) { const k = boxOf(id); count.set(k, (count.get(k) || 0) + 1); }
  const sum = new Map();
  for (const f of plan.flows) {
    if (!(f.tonnes > 0)) continue;
    const k = `${boxOf(f.from)}\u0000${boxOf(f.to)}`;
    sum.set(k, (sum.get(k) || 0) + f.tonnes);
  }
  const nodes = new Map();
  const links = [];
  for (const [k, v] of sum) {
    const [a, b] = k.split('\u0000');
    for (const id of [a, b]) {
      if (nodes.has(id)) continue;
      const kind = grouped ? id : sites.get(id)?.kind || '';
      nodes.set(id, { id, kind, name: grouped ? t('plan.sankey.group', { kind: t(`kind.${id}`), n: count.get(id) }) : sites.get(id)?.name || id });
    }
    links.push({ source: a, target: b, value: v });
  }
  return { nodes: [...nodes.values()], links, grouped, sites: used.size };
}

/* Redirect every flow that closes a circle (a back edge of a depth-first
 * walk from the sources, a flow from a box to itself included) into a
 * second box of its target, marked "↺": the graph is then acyclic. */
function breakCycles(nodes, links) {
  const out = new Map(nodes.map((n) => [n.id, []]));
  for (const l of links) out.get(l.source).push(l);
  const state = new Map();
  const back = [];
  const visit = (id) => {
    state.set(id, 1);
    for (const l of out.get(id)) {
      const s = state.get(l.target) || 0;
      if (s === 1) back.push(l);
      else if (s === 0) visit(l.target);
    }
    state.set(id, 2);
  };
  for (const n of [...nodes].sort((a, b) => (RANK[a.kind] ?? 9) - (RANK[b.kind] ?? 9))) if (!state.get(n.id)) visit(n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const l of back) {
    const id = `${l.target}\u0000again`;
    if (!byId.has(id)) {
      const n = byId.get(l.target);
      const copy = { id, kind: n.kind, name: `${n.name} ↺` };
      byId.set(id, copy);
      nodes.push(copy);
    }
    l.target = id;
  }
  return back.length;
}

/* The diagram of plan.flows over plan.sites (an <svg>, or a note saying
 * why it could not be drawn); width in px. */
export function planSankey(plan, width = 900) {
  const { nodes, links, grouped, sites } = boxes(plan);
  const circles = breakCycles(nodes, links);
  const height = Math.max(320, Math.min(1600, nodes.length * 16));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'sankey', role: 'img', 'aria-labelledby': 'sk-t sk-d', width: '100%' });
  svg.append(el('title', { id: 'sk-t' }, t('plan.sankey')), el('desc', { id: 'sk-d' }, t('plan.sankey.desc', { n: links.length, m: nodes.length })));
  if (grouped) svg.dataset.grouped = String(sites);
  if (circles) svg.dataset.circles = String(circles);
  if (!links.length) return svg;
  const layout = sankey().nodeId((d) => d.id).nodeWidth(12).nodePadding(grouped ? 24 : 4)
    .nodeSort((a, b) => b.value - a.value)
    .extent([[1, 5], [width - 1, height - 5]]);
  let graph;
  try {
    graph = layout({ nodes: nodes.map((d) => ({ ...d })), links: links.map((d) => ({ ...d })) });
  } catch (e) {
    const p = document.createElement('p');
    p.className = 'note note-error sankey-failed';
    ds(p);
    p.textContent = t('plan.sankey.failed', { why: e.message });
    return p;
  }
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
