/*
 * views/facility.js - create (#/nytt-anlegg) and edit (#/rediger-anlegg/ID)
 * a facility: a landfill, storage, plant or quarry, for the roles that may
 * write facilities (/api/me "may".write_facilities: operator, municipality,
 * admin).
 *
 * One form serves the four types; choosing the type shows the fields that
 * type has (docs/scenario-format.md, "Sites") and renames the capacity and
 * fee fields to the type's API path, so the API's problems
 * ("capacity_per_year.value", "gate_fee_nok_per_t", "yields[1].share",
 * "limits.Pb", "accepts[0]") land next to the field they name:
 *
 *   landfill  accepts, max_class, capacity_per_year (required), gate_fee_nok_per_t
 *   storage   accepts, max_class, capacity (required), handling_nok_per_t, holding_nok_per_t_month
 *   plant     accepts, max_class, capacity_per_month (required), yields (required), processing_nok_per_t
 *   quarry    offers, capacity_per_year (optional: unlimited), price_nok_per_t
 *
 * Every type has name, description, a position (lat/lon, or a
 * municipality alone for an approximate one), an optional window of
 * operation and co2_kg_per_t; receivers have their own limits. Optional
 * numbers left empty are not sent, so the API's defaults apply. Saving and
 * publishing work as for listings (POST ?status=published, PUT with
 * If-Match, then the status route).
 */
import { h, announce, note } from '../dom.js';
import { t, materialName } from '../i18n.js';
import { api, materials, getSession } from '../api.js';
import { parseNumber, inputText } from '../numbers.js';
import { field, checkbox, summaryBox, onSiteSubmit } from '../forms.js';
import { createMap, L } from '../map.js';
import { addressSearch, municipalityLine, propertyField, takeAddress, typedPosition } from '../places.js';
import { materialList, limitRows } from '../sitefields.js';
import { withHelp } from '../help.js';

const TYPES = ['landfill', 'storage', 'plant', 'quarry'];
const CAPACITY = { landfill: 'capacity_per_year', storage: 'capacity', plant: 'capacity_per_month', quarry: 'capacity_per_year' };
const FEE = { landfill: 'gate_fee_nok_per_t', storage: 'handling_nok_per_t', plant: 'processing_nok_per_t', quarry: 'price_nok_per_t' };
const MONTH = /^\d{4}-\d{2}$/;

/* Point a field built by field() at another API path and label. */
function retarget(div, path, label) {
  const ctl = div.querySelector('input, select, textarea');
  ctl.dataset.field = path;
  ctl.name = path;
  div.querySelector('.field-error').dataset.errorFor = path;
  div.querySelector('label').textContent = label;
}

export async function facilityFormView({ root, params }) {
  const s = getSession();
  const editing = params.id ? Number(params.id) : 0;
  root.append(h('h1', {}, t(editing ? 'fac.edit' : 'fac.new')));
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: `#/logg-inn?neste=${encodeURIComponent(location.hash)}` }, t('nav.login'))); return; }
  if (!s.may?.write_facilities) { root.append(note('error', t('fac.role'))); return; }
  const mats = await materials();
  let doc = {};
  let version;
  if (editing) {
    try { doc = await api('GET', `/api/facilities/${editing}`); version = doc.version; } catch (e) { root.append(note('error', e.message)); return; }
  }
  const type0 = doc.type || 'landfill';
  const classOpts = [['', t('fac.class.default')], ...[1, 2, 3, 4, 5].map((c) => [c, String(c)])];
  const matOpts = [['', t('form.class.none')], ...mats.map((m) => [m.code, materialName(m)])];
  const cap = doc[CAPACITY[type0]];
  const accepts = materialList(mats, doc.accepts, { name: 'accepts', legend: t('fac.accepts') });
  const offers = materialList(mats, doc.offers, { name: 'offers', legend: t('fac.offers') });
  const limits = limitRows(doc.limits);
  const leach = limitRows(doc.leaching_limits, { name: 'leaching_limits', title: t('leach.title'), hint: t('leach.hint'), addLabel: t('leach.add') });
  const tplOpts = [['', t('fac.acceptance.none')], ...['inert', 'ordinary', 'hazardous'].map((k) => [k, t(`q.tpl.${k}`)])];
  const yieldRows = h('div', { class: 'yield-rows' });

  const capValue = field({ label: t('fac.capacity.landfill'), name: 'capacity_per_year.value', id: 'cap-value', type: 'number', value: cap?.value, attrs: { min: 0, step: 'any', inputmode: 'decimal' } });
  const capUnit = withHelp(field({ label: t('form.unit'), name: 'capacity_per_year.unit', id: 'cap-unit', value: cap?.unit || 't', options: ['t', 'fm3', 'lm3', 'pm3'].map((u) => [u, t(`form.unit.${u}`)]) }), 'units.placed');
  const fee = field({ label: t('fac.fee.landfill'), name: 'gate_fee_nok_per_t', id: 'fee', type: 'number', value: doc[FEE[type0]], hint: t('fac.default.hint'), attrs: { min: 0, step: 'any', inputmode: 'decimal' } });
  const capErr = h('p', { class: 'field-error', 'data-error-for': 'capacity_per_year' });

  const muni = municipalityLine();
  const currentPos = () => typedPosition(el);
  const form = h('form', { class: 'card facility-form', novalidate: true },
    summaryBox(),
    withHelp(field({ label: t('fac.type'), name: 'type', value: type0, options: TYPES.map((k) => [k, t(`kind.${k}`)]), attrs: editing ? { disabled: true } : {} }), 'facility'),
    field({ label: t('fac.name'), name: 'name', value: doc.name, attrs: { required: true, maxlength: 160 } }),
    field({ label: t('form.description'), name: 'description', type: 'textarea', value: doc.description }),
    h('fieldset', { class: 'group' }, h('legend', {}, t('form.position')),
      addressSearch({ label: t('place.search'), near: () => currentPos(), onPick: (a) => setPlace(a) }),
      h('p', { class: 'hint' }, t('fac.position.hint')),
      h('div', { class: 'row' },
        field({ label: t('form.lat'), name: 'lat', type: 'number', value: doc.municipality && doc.position?.approximate ? '' : (doc.lat ?? doc.position?.lat), attrs: { step: 'any', inputmode: 'decimal' } }),
        field({ label: t('form.lon'), name: 'lon', type: 'number', value: doc.municipality && doc.position?.approximate ? '' : (doc.lon ?? doc.position?.lon), attrs: { step: 'any', inputmode: 'decimal' } }),
        field({ label: t('fac.municipality'), name: 'municipality', value: doc.municipality, attrs: { autocomplete: 'off' } })),
      muni.el,
      h('div', { class: 'pick-map', id: 'fac-pick-map', role: 'region', 'aria-label': t('form.pick.aria') }),
      propertyField(doc.property)),
    h('div', { class: 'receiver-only' }, accepts.el,
      withHelp(field({ label: t('fac.maxclass'), name: 'max_class', value: doc.max_class, options: classOpts }), 'class'),
      checkbox({ name: 'accepts_class_range', label: t('fac.range'), checked: doc.accepts_class_range }),
      field({ label: t('fac.acceptance'), name: 'acceptance', value: doc.acceptance || '', options: tplOpts, hint: t('fac.acceptance.hint') }),
      field({ label: t('fac.permit'), name: 'acid_rock_permit', value: doc.acid_rock_permit, hint: t('fac.permit.hint'), attrs: { maxlength: 200 } })),
    h('div', { class: 'quarry-only' }, offers.el),
    h('fieldset', { class: 'group capacity' }, h('legend', { class: 'cap-legend' }, t('fac.capacity')),
      h('p', { class: 'hint cap-hint' }),
      h('div', { class: 'row' }, capValue, capUnit), capErr),
    h('fieldset', { class: 'group' }, h('legend', {}, t('fac.costs')),
      h('div', { class: 'row' }, fee,
        h('div', { class: 'storage-only grow' },
          field({ label: t('fac.holding'), name: 'holding_nok_per_t_month', type: 'number', value: doc.holding_nok_per_t_month, hint: t('fac.default.hint'), attrs: { min: 0, step: 'any', inputmode: 'decimal' } })),
        field({ label: t('fac.co2'), name: 'co2_kg_per_t', type: 'number', value: doc.co2_kg_per_t, hint: t('fac.default.hint'), attrs: { min: 0, step: 'any', inputmode: 'decimal' } }))),
    h('fieldset', { class: 'group plant-only yields' }, h('legend', {}, t('fac.yields')),
      h('p', { class: 'hint' }, t('fac.yields.hint')),
      h('p', { class: 'field-error', 'data-error-for': 'yields' }),
      yieldRows,
      h('button', { type: 'button', class: 'secondary', onclick: () => { addYield().querySelector('select').focus(); } }, t('fac.yields.add'))),
    h('fieldset', { class: 'group' }, h('legend', {}, t('fac.window')),
      h('p', { class: 'hint' }, t('fac.window.hint')),
      h('div', { class: 'row' },
        withHelp(field({ label: t('form.window.from'), name: 'window.from', type: 'month', value: doc.window?.from, attrs: { min: '2000-01', max: '2049-12', placeholder: 'YYYY-MM' } }), 'window'),
        field({ label: t('form.window.to'), name: 'window.to', type: 'month', value: doc.window?.to, attrs: { min: '2000-01', max: '2049-12', placeholder: 'YYYY-MM' } })),
      h('p', { class: 'field-error', 'data-error-for': 'window' })),
    h('div', { class: 'receiver-only' }, limits.el, leach.el),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', value: 'publish' }, t('form.save.publish')),
      h('button', { type: 'submit', class: 'secondary', value: 'draft' }, t('form.save.draft')),
      h('a', { href: editing ? `#/anlegg/${editing}` : '#/mine', class: 'button-link' }, t('form.cancel'))));
  root.append(form);

  let ySeq = 0;
  function addYield(mat = '', share = '') {
    const i = ySeq++;
    const row = h('div', { class: 'yield-row row' },
      field({ label: t('fac.yield.material'), name: 'yields.material', id: `y-m-${i}`, value: mat, options: matOpts }),
      field({ label: t('fac.yield.share'), name: 'yields.share', id: `y-s-${i}`, type: 'number', value: share, hint: t('fac.yield.share.hint'), attrs: { min: 0, max: 1, step: 'any', inputmode: 'decimal' } }),
      h('button', { type: 'button', class: 'secondary remove', onclick: () => { row.remove(); renumber(); } }, t('form.lab.remove')));
    yieldRows.append(row);
    renumber();
    return row;
  }
  function renumber() {
    [...yieldRows.children].forEach((row, i) => {
      for (const part of ['material', 'share']) {
        const ctl = row.querySelector(`[name="yields.${part}"]`);
        ctl.dataset.field = `yields[${i}].${part}`;
        row.querySelector(`#${ctl.id}-err`).dataset.errorFor = `yields[${i}].${part}`;
      }
    });
  }
  for (const y of doc.yields || []) addYield(y.material, String(y.share));

  const el = (name) => form.querySelector(`[data-field="${name}"]`);
  const typeSel = el('type');
  function showType() {
    const ty = typeSel.value;
    form.querySelectorAll('.receiver-only').forEach((x) => { x.hidden = ty === 'quarry'; });
    form.querySelector('.quarry-only').hidden = ty !== 'quarry';
    form.querySelector('.plant-only').hidden = ty !== 'plant';
    form.querySelector('.storage-only').hidden = ty !== 'storage';
    const c = CAPACITY[ty];
    retarget(capValue, `${c}.value`, t(`fac.capacity.${ty}`));
    retarget(capUnit, `${c}.unit`, t('form.unit'));
    capErr.dataset.errorFor = c;
    form.querySelector('.cap-hint').textContent = t(`fac.capacity.${ty}.hint`);
    retarget(fee, FEE[ty], t(`fac.fee.${ty}`));
    if (ty === 'plant' && !yieldRows.children.length) addYield();
  }
  typeSel.addEventListener('change', showType);
  showType();

  // A small map to pick the position by clicking, or by the keyboard (arrows, then Enter).
  const pick = createMap(form.querySelector('#fac-pick-map'), { zoom: 8 });
  let pin = null;
  // A number as typed (numbers.js): NaN when empty or not one.
  const numOf = (raw) => { const r = parseNumber(raw); return r.error || r.empty ? NaN : r.value; };
  // Why typed text is no number, in words; null when it is one.
  const notNumber = (raw) => { const r = parseNumber(raw); return r.error ? t(`num.${r.error}`, { v: String(raw).trim() }) : r.empty ? t('check.number') : null; };
  function placePin() {
    const la = numOf(el('lat').value); const lo = numOf(el('lon').value);
    if (!Number.isFinite(la) || !Number.isFinite(lo)) return;
    if (pin) pin.setLatLng([la, lo]); else pin = L.circleMarker([la, lo], { radius: 8, color: '#b3401a' }).addTo(pick);
    muni.update(la, lo);
  }
  const setPlace = (a) => takeAddress(el, a, placePin, pick);
  function setPos(ll) {
    el('lat').value = inputText(Number(ll.lat.toFixed(5)));
    el('lon').value = inputText(Number(ll.lng.toFixed(5)));
    placePin();
    announce(t('form.pick.set', { lat: el('lat').value, lon: el('lon').value }));
  }
  pick.on('click', (ev) => setPos(ev.latlng));
  pick.getContainer().addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target === pick.getContainer()) { ev.preventDefault(); setPos(pick.getCenter()); }
  });
  el('lat').addEventListener('change', placePin);
  el('lon').addEventListener('change', placePin);
  placePin();

  const v = (n) => el(n).value.trim();
  function bodyOf() {
    const ty = typeSel.value;
    const body = { type: ty, name: v('name') };
    if (v('description')) body.description = v('description');
    if (v('lat') !== '' || v('lon') !== '') { body.lat = numOf(v('lat')); body.lon = numOf(v('lon')); }
    // With a position the municipality follows from it; the field places
    // a facility whose exact position is not known.
    if (v('municipality') && body.lat === undefined) body.municipality = v('municipality');
    if (v('property')) body.property = v('property');
    if (doc.keywords) body.keywords = doc.keywords;
    const c = CAPACITY[ty];
    if (v(`${c}.value`) !== '') body[c] = { value: numOf(v(`${c}.value`)), unit: v(`${c}.unit`) };
    if (v(FEE[ty]) !== '') body[FEE[ty]] = numOf(v(FEE[ty]));
    if (ty === 'storage' && v('holding_nok_per_t_month') !== '') body.holding_nok_per_t_month = numOf(v('holding_nok_per_t_month'));
    if (v('co2_kg_per_t') !== '') body.co2_kg_per_t = numOf(v('co2_kg_per_t'));
    if (v('window.from') || v('window.to')) body.window = { from: v('window.from'), to: v('window.to') };
    if (ty === 'quarry') {
      body.offers = offers.value();
    } else {
      body.accepts = accepts.value();
      if (v('max_class') !== '') body.max_class = Number(v('max_class'));
      const lim = limits.value();
      if (lim) body.limits = lim;
      const ll = leach.value();
      if (ll) body.leaching_limits = ll;
      if (v('acceptance')) body.acceptance = v('acceptance');
      if (el('accepts_class_range').checked) body.accepts_class_range = true;
      if (v('acid_rock_permit')) body.acid_rock_permit = v('acid_rock_permit');
    }
    if (ty === 'plant') {
      body.yields = [...yieldRows.children].map((row) => ({
        material: row.querySelector('[name="yields.material"]').value,
        share: numOf(row.querySelector('[name="yields.share"]').value),
      }));
    }
    return body;
  }

  function check(body) {
    const probs = [];
    const req = (path, val) => { if (val === '' || val === undefined || val === null) probs.push({ field: path, message: t('check.required') }); };
    const ty = body.type;
    req('name', body.name);
    if (body.lat === undefined && !body.municipality) probs.push({ field: 'lat', message: t('fac.check.position') });
    if (body.lat !== undefined) {
      if (!Number.isFinite(body.lat)) probs.push({ field: 'lat', message: notNumber(v('lat')) });
      if (!Number.isFinite(body.lon)) probs.push({ field: 'lon', message: notNumber(v('lon')) });
    }
    const c = CAPACITY[ty];
    if (ty !== 'quarry') req(`${c}.value`, body[c] ? v(`${c}.value`) : '');
    for (const p of [`${c}.value`, FEE[ty], 'co2_kg_per_t', 'holding_nok_per_t_month']) {
      if (el(p) && !el(p).closest('[hidden]') && v(p) !== '' && !Number.isFinite(numOf(v(p)))) probs.push({ field: p, message: notNumber(v(p)) });
    }
    if (ty === 'quarry' && !body.offers.length) probs.push({ field: 'offers', message: t('fac.check.offers') });
    if (ty !== 'quarry' && !body.accepts.length) probs.push({ field: 'accepts', message: t('fac.check.accepts') });
    if (body.window && (!MONTH.test(body.window.from) || !MONTH.test(body.window.to))) probs.push({ field: body.window.from ? 'window.to' : 'window.from', message: t('fac.check.window') });
    else if (body.window && body.window.to < body.window.from) probs.push({ field: 'window.to', message: t('check.reversed') });
    if (ty === 'plant') {
      if (!body.yields.length) probs.push({ field: 'yields', message: t('check.required') });
      body.yields.forEach((y, i) => {
        if (!y.material) probs.push({ field: `yields[${i}].material`, message: t('check.required') });
        if (!Number.isFinite(y.share)) probs.push({ field: `yields[${i}].share`, message: notNumber([...yieldRows.children][i].querySelector('[name="yields.share"]').value) });
      });
    }
    if (ty !== 'quarry') probs.push(...limits.check(), ...leach.check());
    // Acid-forming rock goes only to a receiver approved for it: the permit first.
    if (ty !== 'quarry' && body.accepts.includes('rock.acid') && !body.acid_rock_permit) probs.push({ field: 'acid_rock_permit', message: t('fac.check.permit') });
    return probs;
  }

  onSiteSubmit(form, { path: 'facilities', page: 'anlegg', savedText: t('fac.saved'), editing, version,
                       bodyOf, check });
  return () => pick.remove();
}
