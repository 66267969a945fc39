/*
 * places.js - naming places in the forms and on the map: an address
 * search (GET /api/addresses, Kartverket's official addresses) as an
 * accessible combobox, the municipality the chosen position lies in
 * (GET /api/municipalities/at), and the property number (gnr/bnr) field.
 *
 * addressSearch({ label, near, onPick }) returns an element: a search
 * field whose suggestions are a listbox (arrow keys move, Enter picks,
 * Escape closes; screen readers hear how many were found). Picking calls
 * onPick(address) with {text, municipality, municipality_name, property,
 * lat, lon}. municipalityLine() returns {el, update(lat, lon)}: a line
 * "Kommune: 5001 Trondheim" kept current as the position changes.
 */
import { api } from './api.js';
import { announce, h } from './dom.js';
import { field } from './forms.js';
import { t } from './i18n.js';
import { parseNumber, inputText } from './numbers.js';

let seq = 0;

export function addressSearch({ label, near, onPick }) {
  const id = `addr-${++seq}`;
  const input = h('input', {
    id, type: 'search', autocomplete: 'off', role: 'combobox', 'aria-expanded': 'false',
    'aria-controls': `${id}-list`, 'aria-autocomplete': 'list', 'aria-describedby': `${id}-hint`,
    placeholder: t('place.search.placeholder'), enterkeyhint: 'search',
  });
  const list = h('ul', { id: `${id}-list`, role: 'listbox', class: 'addr-list', hidden: true, 'aria-label': label });
  let items = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function mark(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${id}-o${i}`);
  }
  function pick(i) {
    const a = items[i];
    if (!a) return;
    input.value = a.text;
    close();
    onPick(a);
    announce(t('place.picked', { text: a.text, place: a.municipality_name || a.municipality }));
  }
  async function search() {
    const q = input.value.trim();
    if (q.length < 2) { asked++; items = []; list.replaceChildren(); close(); return; }
    const mine = ++asked;
    const params = new URLSearchParams({ q, limit: '8' });
    const n = near?.();
    if (n) params.set('near', `${n.lat.toFixed(5)},${n.lon.toFixed(5)}`);
    let res;
    try {
      res = await api('GET', `/api/addresses?${params}`);
    } catch (e) {
      if (mine === asked) { list.replaceChildren(h('li', { class: 'addr-none', role: 'option', 'aria-disabled': 'true' }, t('place.search.failed'))); list.hidden = false; }
      return;
    }
    if (mine !== asked) return; // a later keystroke asked again
    items = res.items;
    list.replaceChildren(...(items.length ? items.map((a, i) => h('li', {
      id: `${id}-o${i}`, role: 'option', 'aria-selected': 'false', class: 'addr-option',
      onmousedown: (ev) => { ev.preventDefault(); pick(i); },
    }, h('span', { class: 'addr-text' }, a.text),
    h('span', { class: 'addr-place' }, ` ${a.postnr} ${a.poststed} · ${a.municipality_name || a.municipality}`))) : [
      h('li', { class: 'addr-none', role: 'option', 'aria-disabled': 'true' }, t('place.search.none')),
    ]));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark(-1);
    announce(items.length ? t('place.search.count', { n: items.length }) : t('place.search.none'));
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && items.length) { ev.preventDefault(); if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } mark((active + 1) % items.length); }
    else if (ev.key === 'ArrowUp' && items.length) { ev.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
    else if (ev.key === 'Enter' && !list.hidden && items.length) { ev.preventDefault(); pick(active >= 0 ? active : 0); }
    else if (ev.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return h('div', { class: 'field addr-search' },
    h('label', { for: id }, label),
    input,
    h('p', { class: 'hint', id: `${id}-hint` }, t('place.search.hint')),
    list);
}

/* "Kommune: 5001 Trondheim - Tråante", from the position. */
export function municipalityLine() {
  const el = h('p', { class: 'municipality-line', 'aria-live': 'polite' });
  let asked = 0;
  async function update(lat, lon) {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) { el.textContent = ''; return; }
    const mine = ++asked;
    let r;
    try {
      r = await api('GET', `/api/municipalities/at?lat=${lat}&lon=${lon}`);
    } catch (e) {
      // 400: not a position in Norway; anything else says nothing about the place
      if (mine === asked) el.textContent = e.status === 400 ? t('place.outside') : '';
      return;
    }
    if (mine !== asked) return;
    el.textContent = r.municipality
      ? t(r.inside ? 'place.municipality' : 'place.municipality.near', { code: r.municipality, name: r.municipality_name })
      : t('place.none');
  }
  return { el, update };
}

/* The property number field: kommunenummer-gnr/bnr. */
export function propertyField(value) {
  return field({ label: t('place.property'), name: 'property', value: value || '', hint: t('place.property.hint'), attrs: { autocomplete: 'off', pattern: '[0-9]{4}-[0-9]+/[0-9]+(/[0-9]+){0,2}', inputmode: 'text' } });
}

/* The position typed in a form's lat/lon fields, or null. `el(name)`
 * finds a field of the form. */
export function typedPosition(el) {
  const la = parseNumber(el('lat').value).value; const lo = parseNumber(el('lon').value).value;
  return Number.isFinite(la) && Number.isFinite(lo) ? { lat: la, lon: lo } : null;
}

/* Put a picked address into a form: its position, and its property
 * number unless one was typed by hand (one an earlier pick filled in is
 * replaced); then draw the pin and show the place on the form's map. */
export function takeAddress(el, a, placePin, map) {
  el('lat').value = inputText(Number(a.lat.toFixed(5)));
  el('lon').value = inputText(Number(a.lon.toFixed(5)));
  const prop = el('property');
  if (!prop.value.trim() || prop.value === prop.dataset.fromAddress) {
    prop.value = a.property || '';
    prop.dataset.fromAddress = prop.value;
  }
  placePin();
  map.setView([a.lat, a.lon], Math.max(map.getZoom(), 15));
}
