/*
 * map.js - the Leaflet map shared by the views: base tiles, the Norway
 * outline, site markers with a symbol per kind and a colour per material
 * group, clustering, popups and lines (matches, plan flows), drawn along
 * the road where the road database knows the drive.
 *
 * The tile URL comes from localStorage "mb-tiles" (the word "none" turns
 * tiles off), else <meta name="mb-tiles">, else Kartverket's open
 * topographic WMTS. The map works with no tile reachable: the outline
 * polygon and the markers are drawn by us, and a note says the base map is
 * missing. Markers carry the class "mb-site-<id>" so that a test or a
 * link can find one.
 */
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { NORWAY_OUTLINE } from './norway.js';
import { t, num, materialName } from './i18n.js';
import { h } from './dom.js';
import { classText } from './quality.js';
import { api } from './api.js';

export const DEFAULT_TILES = 'https://cache.kartverket.no/v1/wmts/1.0.0/topo/default/webmercator/{z}/{y}/{x}.png';

/* The base map tile URL template in force, or "" for none. */
export function tileUrl() {
  const ls = localStorage.getItem('mb-tiles');
  if (ls) return ls === 'none' ? '' : ls;
  const meta = document.querySelector('meta[name="mb-tiles"]')?.content;
  if (meta !== undefined && meta !== null) return meta === 'none' ? '' : (meta || DEFAULT_TILES);
  return DEFAULT_TILES;
}

/* A map in el, centred on Trondheim, with outline and (maybe) tiles. */
export function createMap(el, { center = [63.40, 10.40], zoom = 9 } = {}) {
  el.classList.add('mb-map');
  // Users who ask for less motion get no fading and zooming animations
  // (WCAG 2.3.3); a popup then is readable the moment it opens.
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  // maxZoom on the map itself, not only on the tile layer: without tiles
  // ("none") the clusters would throw "Map has no maxZoom specified".
  const map = L.map(el, {
    center, zoom, maxZoom: 18, preferCanvas: false, keyboard: true, zoomControl: false,
    fadeAnimation: !still, zoomAnimation: !still, markerZoomAnimation: !still,
  });
  // Leaflet names its buttons in English; give them the page's language (title is also the aria-label).
  L.control.zoom({ zoomInTitle: t('map.zoomin'), zoomOutTitle: t('map.zoomout') }).addTo(map);
  map.on('popupopen', (ev) => {
    const close = ev.popup.getElement()?.querySelector('.leaflet-popup-close-button');
    if (close) { close.setAttribute('aria-label', t('map.closepopup')); close.title = t('map.closepopup'); }
  });
  L.polygon(NORWAY_OUTLINE, {
    color: '#4a6375', weight: 1.5, fillColor: '#e8efe4', fillOpacity: 0.6, interactive: false,
  }).addTo(map);
  const url = tileUrl();
  if (url) {
    let warned = false;
    L.tileLayer(url, {
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.kartverket.no/">Kartverket</a>',
    }).on('tileerror', () => {
      if (warned) return;
      warned = true;
      el.parentElement?.querySelector('.map-note')?.removeAttribute('hidden');
    }).addTo(map);
  }
  el.parentElement?.insertBefore(h('p', { class: 'map-note note note-info', hidden: true }, t('map.notiles')), el.nextSibling);
  return map;
}

const GROUPS = ['rock', 'soil', 'product', 'mixed'];
/* The colour group of a material code: rock, soil, product or other. */
export function materialGroup(code) {
  const g = (code || '').split('.')[0];
  return GROUPS.includes(g) ? g : 'other';
}

const LETTER = { supply: 'O', need: 'B', landfill: 'D', storage: 'M', plant: 'V', quarry: 'T', source: 'O' };

/* A divIcon for a site: shape by kind, colour by material group. */
export function siteIcon(site) {
  const kind = site.type || site.kind;
  const mat = site.material || (site.accepts && site.accepts[0]) || (site.offers && site.offers[0]) || '';
  const cls = `mb-marker mk-${kind} mat-${materialGroup(mat)} ${site.status === 'draft' ? 'mk-draft' : ''} mb-site-${site.id}`;
  return L.divIcon({
    className: cls,
    html: `<span aria-hidden="true">${LETTER[kind] || '?'}</span>`,
    iconSize: [26, 26],
    iconAnchor: [13, 13],
    popupAnchor: [0, -12],
  });
}

function amountText(a) {
  return a ? `${num(a.value)} ${t(`unit.${a.unit}`)}` : '';
}

/* The popup body of a site (DOM). */
export function sitePopup(site, mats) {
  const m = mats?.find((x) => x.code === site.material);
  const kind = site.type;
  const path = kind === 'supply' || kind === 'need' ? 'annonse' : 'anlegg';
  return h('div', { class: 'popup' },
    h('strong', { class: 'popup-title' }, site.title || site.name || `#${site.id}`),
    h('div', {}, t(`kind.${kind}`), site.status && site.status !== 'published' ? ` · ${t(`status.${site.status}`)}` : ''),
    site.material ? h('div', {}, `${t('site.material')}: ${materialName(m) || site.material}`) : null,
    site.amount ? h('div', {}, `${t('site.amount')}: ${amountText(site.amount)}`) : null,
    site.window ? h('div', {}, `${t('site.window')}: ${site.window.from}–${site.window.to}`) : null,
    site.class ? h('div', {}, `${t('site.class')}: ${classText(site)}`) : null,
    site.material === 'rock.acid' ? h('div', { class: 'acid-note' }, t('q.acid')) : null,
    h('a', { href: `#/${path}/${site.id}`, class: 'popup-link' }, t('map.details')));
}

/* A marker for a site item of the API (uses item.position). */
export function siteMarker(site, mats) {
  const p = site.position || { lat: site.lat, lon: site.lon };
  const title = site.title || site.name || '';
  const mk = L.marker([p.lat, p.lon], { icon: siteIcon(site), title, alt: title, keyboard: true });
  mk.bindPopup(() => sitePopup(site, mats));
  mk.siteId = site.id;
  return mk;
}

/* A marker cluster group (clusters only when markers are dense). */
export function clusterGroup() {
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return L.markerClusterGroup({ maxClusterRadius: 45, spiderfyOnMaxZoom: true,
                                showCoverageOnHover: false, animate: !still });
}

/* A line between two [lat, lon] points; cls is added to the SVG path. */
export function line(a, b, { weight = 3, color = '#b3401a', cls = '', title = '' } = {}) {
  const pl = L.polyline([a, b], { weight, color, opacity: 0.8, className: cls });
  if (title) pl.bindTooltip(title);
  return pl;
}

/* Redraw a straight line between site `from` ("listings/12" or
 * "facilities/5") and site id `to` as the drive along the road, once it
 * has come (GET /api/{from}/route routes it when asked); an estimate, an
 * error (the router busy: 503) or a line no longer on the map is left as
 * it is. */
export async function drawRoute(map, from, to, straight) {
  let r;
  try { r = await api('GET', `/api/${from}/route?to=${to}`); } catch { return; }
  if (r.km_source !== 'road' || !map.hasLayer(straight)) return;
  straight.setLatLngs(r.path);
  straight.getElement?.()?.classList.add('route-drawn');
}

/* The legend: one row per kind and per material group. */
export function legend() {
  const kinds = ['supply', 'need', 'landfill', 'storage', 'plant', 'quarry'];
  return h('details', { class: 'legend' }, h('summary', {}, t('map.legend')),
    h('ul', {}, kinds.map((k) => h('li', {},
      h('span', { class: `mb-marker mk-${k} mat-other legend-mk`, 'aria-hidden': 'true' }, h('span', {}, LETTER[k])), ' ', t(`kind.${k}`)))),
    h('ul', {}, ['rock', 'soil', 'product', 'other'].map((g) => h('li', {},
      h('span', { class: `swatch mat-${g}`, 'aria-hidden': 'true' }), ' ', t(`group.${g}`)))));
}

export { L };
