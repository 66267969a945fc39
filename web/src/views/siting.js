/*
 * views/siting.js - the siting question on the plan page (docs/siting.md):
 * "where should the region open its next storage site or crushing
 * plant?". The planner clicks the map to drop candidate points (or adds
 * one at the map's centre with a button, for keyboard users), gives each
 * its kind, capacity, yearly cost, opening cost and CO2 per year (the
 * placeholders are estimates, used when a field is left empty) and at
 * most how many to open. The plan request then carries "candidates" and
 * "max_open" (POST /api/plans); the job's "siting" section comes back and
 * is shown as chosen or not on the map and as a table: what each chosen
 * site saves with the others open, its break-even yearly cost, and what
 * the choice saves against opening none (CO2 with its range, landfill
 * tonnes, truckloads, money) with the gap the solver proved, and buttons
 * for the answer as a PDF or HTML document.
 *
 * A field is named by the request's path ("candidates[1].nok_per_year"),
 * so the server's problems land next to their fields (forms.js).
 */
import { h } from '../dom.js';
import { t, num, getLang } from '../i18n.js';
import { field, readNumber } from '../forms.js';
import { inputText } from '../numbers.js';
import { createMap, L } from '../map.js';
import { exportButtons } from './files.js';

/* Estimates a planner starts from (the Trondheim demo's placeholders,
 * docs/siting.md): not sourced factors. */
export const SITING_DEFAULTS = {
  storage: { capacity: 150000, nok_per_year: 1500000, opening_nok: 2000000, co2_kg_per_year: 20000 },
  plant: { capacity: 25000, nok_per_year: 3000000, opening_nok: 1000000, co2_kg_per_year: 30000 },
};

/* What a candidate of each kind takes in and, for a plant, makes. */
export const ACCEPTS = { storage: ['rock.*', 'soil.moraine', 'product.*'], plant: ['rock.blasted', 'rock.tunnel'] };
export const YIELDS = [{ material: 'product.crushed.0-32', share: 0.7 }, { material: 'product.crushed.20-120', share: 0.3 }];
const FIELDS = ['capacity', 'nok_per_year', 'opening_nok', 'co2_kg_per_year'];

export function sitingSection() {
  const list = h('ol', { class: 'siting-list' });
  const count = h('p', { class: 'hint siting-count', 'aria-live': 'polite' }, t('siting.none'));
  const maxField = field({ label: t('siting.max'), name: 'max_open', type: 'number', hint: t('siting.max.hint'), attrs: { min: 1, placeholder: t('siting.max.all') } });
  const mapEl = h('div', { id: 'siting-map', role: 'region', 'aria-label': t('siting.map') });
  const addCentre = h('button', { type: 'button', class: 'siting-add' }, t('siting.add.centre'));
  const el = h('section', { class: 'card siting', 'aria-labelledby': 'si-h' },
    h('h2', { id: 'si-h' }, t('siting.title')),
    h('p', { class: 'hint' }, t('siting.intro')),
    h('div', { class: 'map-wrap' }, mapEl),
    h('p', { class: 'hint siting-map-key' }, t('siting.map.key')),
    addCentre, count, list, maxField,
    h('p', { class: 'hint siting-estimates' }, t('siting.estimates')));
  const cands = []; // {id, lat, lon, li, marker}
  let seq = 0;
  let map = null;

  const markerStyle = (state) => ({
    radius: 9, weight: 2, fillOpacity: 0.85,
    color: state === 'open' ? '#14532d' : state === 'closed' ? '#555' : '#1d4e89',
    fillColor: state === 'open' ? '#1a9e4a' : state === 'closed' ? '#ddd' : '#5b8fd1',
  });

  function renumber() {
    cands.forEach((c, i) => {
      c.li.querySelector('legend').textContent = t('siting.cand', { n: i + 1 });
      for (const ctl of c.li.querySelectorAll('[data-field], [data-error-for]')) {
        for (const a of ['data-field', 'data-error-for']) {
          const v = ctl.getAttribute(a);
          if (v) ctl.setAttribute(a, v.replace(/^candidates\[\d+\]/, `candidates[${i}]`));
        }
      }
      c.marker?.setTooltipContent(t('siting.cand', { n: i + 1 }));
    });
    count.textContent = cands.length ? t('siting.count', { n: cands.length }) : t('siting.none');
  }

  function placeholders(li, kind) {
    const d = SITING_DEFAULTS[kind];
    for (const k of FIELDS) {
      const ctl = li.querySelector(`[data-key="${k}"]`);
      ctl.placeholder = `${inputText(d[k])} (${t('siting.estimate')})`;
    }
    li.querySelector('.siting-cap-unit').textContent = t(kind === 'plant' ? 'siting.cap.plant' : 'siting.cap.storage');
  }

  /* A candidate at lat, lon: a marker and its fields. */
  function add(lat, lon, given = {}) {
    const i = cands.length;
    const id = given.id || `kandidat-${++seq}`;
    const p = (k) => `candidates[${i}].${k}`;
    const kind = given.kind === 'plant' ? 'plant' : 'storage';
    const numField = (k, label) => {
      const f = field({ label, name: p(k), type: 'number', value: given[k], attrs: { min: 0 } });
      f.querySelector('[data-field]').dataset.key = k;
      return f;
    };
    const cap = given.capacity?.value ?? given.capacity_per_month?.value;
    const li = h('li', { class: 'siting-cand', 'data-id': id },
      h('fieldset', {},
        h('legend', {}),
        h('p', { class: 'hint siting-pos' }, t('siting.pos', { lat: num(lat, 4), lon: num(lon, 4) })),
        h('div', { class: 'row' },
          field({ label: t('siting.kind'), name: p('kind'), value: kind, options: [['storage', t('kind.storage')], ['plant', t('kind.plant')]] }),
          numField('capacity', t('siting.capacity')),
          h('span', { class: 'hint siting-cap-unit' })),
        h('div', { class: 'row' },
          numField('nok_per_year', t('siting.nok_per_year')),
          numField('opening_nok', t('siting.opening_nok')),
          numField('co2_kg_per_year', t('siting.co2_kg_per_year'))),
        h('button', { type: 'button', class: 'siting-remove' }, t('siting.remove', { n: i + 1 }))));
    if (cap !== undefined) li.querySelector('[data-key="capacity"]').value = inputText(cap);
    const c = { id, lat, lon, li, marker: null };
    cands.push(c);
    list.append(li);
    const kindSel = li.querySelector('select');
    placeholders(li, kind);
    kindSel.addEventListener('change', () => placeholders(li, kindSel.value));
    li.querySelector('.siting-remove').addEventListener('click', () => {
      const at = cands.indexOf(c);
      cands.splice(at, 1);
      li.remove();
      c.marker?.remove();
      renumber();
      (cands[Math.min(at, cands.length - 1)]?.li.querySelector('select') || addCentre).focus();
    });
    if (map) {
      c.marker = L.circleMarker([lat, lon], { ...markerStyle('new'), className: 'siting-marker siting-new', bubblingMouseEvents: false })
        .bindTooltip('').addTo(map);
    }
    renumber();
    return c;
  }

  /* Draw the map once the section is in the page (Leaflet needs its size). */
  function mount() {
    if (map) return;
    map = createMap(mapEl);
    // A click drops a candidate: two in a row are two candidates, not a zoom.
    map.doubleClickZoom.disable();
    map.on('click', (ev) => add(Number(ev.latlng.lat.toFixed(5)), Number(ev.latlng.lng.toFixed(5))));
    addCentre.addEventListener('click', () => {
      const c = map.getCenter();
      add(Number(c.lat.toFixed(5)), Number(c.lng.toFixed(5)));
    });
  }

  /* The request's candidates and max_open, or {} with none; a bad number
   * adds a problem to probs under its field. */
  function body(form, probs) {
    // A new run: the last answer's colours no longer hold.
    for (const c of cands) {
      c.marker?.setStyle(markerStyle('new'));
      c.marker?.getElement()?.setAttribute('class', 'leaflet-interactive siting-marker siting-new');
      c.marker?.setTooltipContent(c.li.querySelector('legend').textContent);
    }
    if (!cands.length) return {};
    const out = cands.map((c, i) => {
      const kind = c.li.querySelector('select').value;
      const d = SITING_DEFAULTS[kind];
      const v = (k) => readNumber(form, `candidates[${i}].${k}`, probs) ?? d[k];
      const x = { id: c.id, name: t('siting.cand', { n: i + 1 }), kind, lat: c.lat, lon: c.lon, accepts: ACCEPTS[kind] };
      if (kind === 'plant') { x.capacity_per_month = { value: v('capacity'), unit: 't' }; x.yields = YIELDS; }
      else x.capacity = { value: v('capacity'), unit: 't' };
      for (const k of FIELDS.slice(1)) x[k] = v(k);
      return x;
    });
    const k = readNumber(form, 'max_open', probs);
    return k === undefined ? { candidates: out } : { candidates: out, max_open: k };
  }

  /* A saved plan's candidates back in the fields. */
  function fill(req) {
    for (const c of req.candidates || []) add(c.lat, c.lon, c);
    if (req.max_open) maxField.querySelector('[data-field]').value = inputText(req.max_open);
  }

  /* The answer (the job's "siting") of plan `planId`: markers coloured
   * chosen or not, and the section with the table, the figures and the
   * answer as a document (GET /api/plans/ID/siting). */
  function answer(si, planId) {
    const byId = new Map(si.candidates.map((c) => [c.id, c]));
    for (const c of cands) {
      const a = byId.get(c.id);
      if (!a || !c.marker) continue;
      const state = a.open ? 'open' : 'closed';
      c.marker.setStyle(markerStyle(state));
      c.marker.getElement()?.setAttribute('class', `leaflet-interactive siting-marker siting-${state}`);
      c.marker.setTooltipContent(`${c.li.querySelector('legend').textContent}: ${t(a.open ? 'siting.open' : 'siting.closed')}`);
    }
    const s = si.saving;
    const band = s.co2_kg_range;
    const mnok = (x) => num(x / 1e6, 1);
    const rows = si.candidates.map((c, i) => h('tr', { class: c.open ? 'siting-row-open' : 'siting-row-closed', 'data-id': c.id },
      h('th', { scope: 'row' }, t('siting.cand', { n: i + 1 })),
      h('td', {}, t(`kind.${c.kind}`)),
      h('td', {}, t(c.open ? 'siting.open' : 'siting.closed')),
      h('td', { class: 'n' }, c.open ? mnok(c.saving_nok) : '–'),
      h('td', { class: 'n' }, c.open ? mnok(c.break_even_nok_per_year) : '–'),
      h('td', { class: 'n siting-co2-each' }, c.co2_saving_kg ? [num(c.co2_saving_kg.central / 1000, 1), h('br'),
        h('span', { class: 'stat-range' }, t('plan.range', { low: num(c.co2_saving_kg.low / 1000, 1), high: num(c.co2_saving_kg.high / 1000, 1) }))] : '–')));
    return h('section', { class: 'card siting-answer', 'aria-labelledby': 'sa-h' },
      h('h2', { id: 'sa-h' }, t('siting.answer')),
      h('p', { class: 'siting-summary' }, t('siting.summary', { n: si.opened, k: si.max_open, years: num(si.years, 1) }), ' ',
        si.method === 'mip' ? t('siting.gap', { gap: num(si.gap * 100, 2) }) : t('siting.enumerated')),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('siting.answer') },
        h('table', { class: 'data siting-table' },
          h('caption', {}, t('siting.table')),
          h('thead', {}, h('tr', {}, [t('siting.col.cand'), t('siting.col.kind'), t('siting.col.open'), t('siting.col.saving'), t('siting.col.breakeven'), t('siting.col.co2')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, rows))),
      h('ul', { class: 'siting-figures' },
        h('li', { class: 'siting-co2' }, t('siting.co2', { t: num(s.co2_kg / 1000, 1) }),
          band ? [' ', h('span', { class: 'stat-range' }, t('plan.range', { low: num(band.low / 1000, 1), high: num(band.high / 1000, 1) }))] : null),
        // A saving below zero is said as more, not as "-137 fewer".
        h('li', { class: 'siting-landfill' }, s.landfill_t < 0 ? t('siting.landfill.more', { t: num(-s.landfill_t) }) : t('siting.landfill', { t: num(s.landfill_t) })),
        h('li', { class: 'siting-trucks' }, s.truckloads < 0 ? t('siting.trucks.more', { n: num(-s.truckloads) }) : t('siting.trucks', { n: num(s.truckloads) })),
        h('li', { class: 'siting-money' }, t('siting.money', { mnok: mnok(s.cost_nok), total: mnok(s.value_nok) }))),
      h('p', { class: 'hint siting-how' }, t('siting.how')),
      planId ? exportButtons(t('siting.doc'), `/api/plans/${planId}/siting?lang=${getLang()}`, ['pdf', 'html'], 'siting-doc') : null);
  }

  function clear() {
    for (const c of cands) { c.marker?.remove(); c.li.remove(); }
    cands.length = 0;
    renumber();
  }

  return { el, mount, body, fill, answer, clear, remove: () => { if (map) map.remove(); map = null; } };
}
