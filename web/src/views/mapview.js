/*
 * views/mapview.js - the market map (#/kart): every published listing and
 * facility (and the signed-in organisation's drafts) as markers, clustered
 * when dense, with filters on kind, material, class, window and amount.
 * The filters are passed to the search API (type, material, max_class,
 * from, to, min_amount_t), which knows units and capacities; "?vis=ID"
 * zooms to one site and opens its popup.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, materialName } from '../i18n.js';
import { fetchAll, materials, getSession } from '../api.js';
import { createMap, siteMarker, clusterGroup, legend } from '../map.js';
import { addressSearch } from '../places.js';
import { field } from '../forms.js';

const KINDS = ['supply', 'need', 'landfill', 'storage', 'plant', 'quarry'];

export async function mapView({ root, query }) {
  const mats = await materials().catch(() => []);
  const status = h('p', { class: 'map-count', role: 'status' });
  const kindBoxes = h('fieldset', { class: 'kinds' }, h('legend', {}, t('map.kinds')),
    KINDS.map((k) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'kind', value: k, checked: true }), ` ${t(`kind.${k}`)}`)));
  const form = h('form', { class: 'filters', 'aria-label': t('map.filters') },
    kindBoxes,
    field({ label: t('map.material'), name: 'material', options: [['', t('map.material.all')], ...mats.map((m) => [m.code, materialName(m)])] }),
    field({ label: t('map.class'), name: 'max_class', options: [['', t('map.class.all')], ...[1, 2, 3, 4, 5].map((c) => [c, String(c)])] }),
    field({ label: t('map.from'), name: 'from', type: 'month', attrs: { min: '2000-01', max: '2049-12' } }),
    field({ label: t('map.to'), name: 'to', type: 'month', attrs: { min: '2000-01', max: '2049-12' } }),
    field({ label: t('map.minamount'), name: 'min_amount_t', type: 'number', attrs: { min: 0, step: 'any', inputmode: 'decimal' } }),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('map.apply')),
      h('button', { type: 'reset' }, t('map.reset'))));
  const mapEl = h('div', { id: 'map', role: 'region', 'aria-label': t('map.aria') });
  const box = h('div', { class: 'map-wrap' }, mapEl);
  root.append(h('h1', {}, t('map.title')),
    h('div', { class: 'map-layout' },
      h('details', { class: 'filter-box', open: window.innerWidth > 700 }, h('summary', {}, t('map.filters')), form, legend()),
      h('div', { class: 'map-main' },
        addressSearch({ label: t('map.search'), near: () => { const c = map.getCenter(); return { lat: c.lat, lon: c.lng }; }, onPick: (a) => map.setView([a.lat, a.lon], 15) }),
        status, box)));
  const map = createMap(mapEl);
  // The view in the page (for the address search's tests and for support).
  // The page may be left while a load or a move is on its way: a removed
  // map takes no more markers and reports no view (Leaflet would read a
  // pane that is gone: "_leaflet_pos").
  let gone = false;
  map.on('moveend', () => {
    if (gone || !mapEl.isConnected) return;
    const c = map.getCenter();
    mapEl.dataset.view = `${c.lat.toFixed(4)},${c.lng.toFixed(4)},${map.getZoom()}`;
  });
  const cluster = clusterGroup().addTo(map);
  const markers = new Map();

  async function load() {
    const fd = new FormData(form);
    const kinds = fd.getAll('kind');
    const params = {};
    for (const k of ['material', 'max_class', 'from', 'to', 'min_amount_t']) {
      const v = String(fd.get(k) || '').trim();
      if (v) params[k] = v;
    }
    if (getSession()) params.status = 'draft,published,reserved';
    const lk = kinds.filter((k) => k === 'supply' || k === 'need');
    const fk = kinds.filter((k) => k !== 'supply' && k !== 'need');
    status.textContent = t('loading');
    try {
      const [ls, fs] = await Promise.all([
        lk.length ? fetchAll('/api/listings', { ...params, type: lk.join(',') }) : [],
        fk.length ? fetchAll('/api/facilities', { ...params, type: fk.join(',') }) : [],
      ]);
      if (gone || !mapEl.isConnected) return; // left (or replaced) while loading
      cluster.clearLayers();
      markers.clear();
      const list = [];
      for (const s of [...ls, ...fs]) {
        const mk = siteMarker(s, mats);
        markers.set(s.id, mk);
        list.push(mk);
      }
      cluster.addLayers(list);
      status.textContent = t('map.count', { n: list.length });
      mapEl.dataset.count = String(list.length);
    } catch (e) {
      replace(status, note('error', t('error.generic', { msg: e.message })));
      announce(e.message, true);
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.addEventListener('reset', () => setTimeout(load, 0));
  await load();
  if (gone || !mapEl.isConnected) return () => { gone = true; map.remove(); };
  mapEl.dataset.ready = '1';
  const focus = Number(query.get('vis'));
  if (focus && markers.has(focus)) {
    const mk = markers.get(focus);
    cluster.zoomToShowLayer(mk, () => mk.openPopup());
  }
  return () => { gone = true; map.remove(); };
}
