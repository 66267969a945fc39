/*
 * views/form.js - create (#/ny) and edit (#/rediger/ID) a listing.
 *
 * The form checks the obvious mistakes itself (required fields, negative
 * amounts, a window that ends before it starts, latitude/longitude out of
 * range) and otherwise sends the body to the API and shows every problem
 * the API returns next to the field its "field" path names. Nothing is
 * saved when the API refuses (the API promises that). The amount shows its
 * conversion to t/fm3/lm3 for the chosen material, and the lab results ask
 * POST /api/classify for the class and the deciding substance as you type.
 * Edits send If-Match with the version read, so a concurrent change is
 * refused rather than overwritten.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, materialName } from '../i18n.js';
import { api, materials, getSession, upload } from '../api.js';
import { field, checkbox, summaryBox, onSiteSubmit } from '../forms.js';
import { classText, sampleText } from '../quality.js';
import { convert } from '../units.js';
import { parseNumber, inputText } from '../numbers.js';
import { createMap, L } from '../map.js';
import { addressSearch, municipalityLine, propertyField, takeAddress, typedPosition } from '../places.js';
import { materialList, limitRows, SUBSTANCES } from '../sitefields.js';
import { withHelp } from '../help.js';

const MONTH = /^\d{4}-\d{2}$/;

export async function formView({ root, params }) {
  const s = getSession();
  const editing = params.id ? Number(params.id) : 0;
  root.append(h('h1', {}, t(editing ? 'form.edit' : 'form.new')));
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: `#/logg-inn?neste=${encodeURIComponent(location.hash)}` }, t('nav.login'))); return; }
  if (!s.may?.write_listings) { root.append(note('error', t('form.role'))); return; }
  const mats = await materials();
  let doc = {};
  let version;
  if (editing) {
    try { doc = await api('GET', `/api/listings/${editing}`); version = doc.version; } catch (e) { root.append(note('error', e.message)); return; }
  }
  const type = doc.type || 'supply';
  const matOpts = [['', t('form.class.none')], ...mats.map((m) => [m.code, materialName(m)])];
  const classOpts = [['', t('form.class.none')], ...[1, 2, 3, 4, 5].map((c) => [c, String(c)])];

  const conv = h('p', { class: 'hint conversion', 'aria-live': 'polite' });
  const labResult = h('p', { class: 'lab-result', 'aria-live': 'polite' });
  const labRows = h('div', { class: 'lab-rows' });
  // A sample set read from a lab report (POST /api/lab-reports), sent as "samples".
  let samples = doc.samples?.length ? doc.samples : null;
  const samplesView = h('div', { class: 'samples-view', 'aria-live': 'polite' });
  const accepts = materialList(mats, doc.accepts, { name: 'accepts', legend: t('form.accepts'), hint: t('form.accepts.hint') });
  const limits = limitRows(doc.limits);
  const muni = municipalityLine();
  const currentPos = () => typedPosition(el);
  const form = h('form', { class: 'card listing-form', novalidate: true },
    summaryBox(),
    field({ label: t('form.type'), name: 'type', value: type, options: [['supply', t('kind.supply')], ['need', t('kind.need')]], attrs: editing ? { disabled: true } : {} }),
    field({ label: t('form.title'), name: 'title', value: doc.title, attrs: { required: true, maxlength: 160 } }),
    field({ label: t('form.description'), name: 'description', type: 'textarea', value: doc.description }),
    field({ label: t('form.material'), name: 'material', value: doc.material, options: matOpts, attrs: { required: true } }),
    h('fieldset', { class: 'group' }, h('legend', {}, t('form.amount')),
      h('div', { class: 'row' },
        field({ label: t('form.amount'), name: 'amount.value', type: 'number', value: doc.amount?.value, attrs: { required: true, min: 0, step: 'any', inputmode: 'decimal' } }),
        withHelp(field({ label: t('form.unit'), name: 'amount.unit', value: doc.amount?.unit || 't', options: ['t', 'fm3', 'lm3'].map((u) => [u, t(`form.unit.${u}`)]) }), 'units')),
      h('p', { class: 'field-error', 'data-error-for': 'amount' }), conv),
    h('fieldset', { class: 'group' }, h('legend', {}, t('form.window')),
      h('div', { class: 'row' },
        withHelp(field({ label: t('form.window.from'), name: 'window.from', type: 'month', value: doc.window?.from, attrs: { required: true, min: '2000-01', max: '2049-12', placeholder: 'YYYY-MM' } }), 'window'),
        field({ label: t('form.window.to'), name: 'window.to', type: 'month', value: doc.window?.to, attrs: { required: true, min: '2000-01', max: '2049-12', placeholder: 'YYYY-MM' } })),
      h('p', { class: 'field-error', 'data-error-for': 'window' })),
    h('fieldset', { class: 'group' }, h('legend', {}, t('form.position')),
      addressSearch({ label: t('place.search'), near: () => currentPos(), onPick: (a) => setPlace(a) }),
      h('div', { class: 'row' },
        field({ label: t('form.lat'), name: 'lat', type: 'number', value: doc.position?.lat ?? doc.lat, attrs: { required: true, step: 'any', inputmode: 'decimal' } }),
        field({ label: t('form.lon'), name: 'lon', type: 'number', value: doc.position?.lon ?? doc.lon, attrs: { required: true, step: 'any', inputmode: 'decimal' } })),
      muni.el,
      h('p', { class: 'hint' }, t('form.position.hint')),
      h('div', { class: 'pick-map', id: 'pick-map', role: 'region', 'aria-label': t('form.pick.aria') }),
      propertyField(doc.property)),
    field({ label: t('form.price'), name: 'price_nok_per_t', type: 'number', value: doc.price_nok_per_t, hint: t('form.price.hint'), attrs: { step: 'any', inputmode: 'decimal' } }),
    h('div', { class: 'supply-only' },
      withHelp(field({ label: t('form.class'), name: 'class', value: doc.class_from_lab ? '' : doc.class, options: classOpts, hint: t('form.class.fromlab') }), 'class'),
      h('fieldset', { class: 'group' }, h('legend', {}, t('form.lab')),
        h('p', { class: 'field-error', 'data-error-for': 'lab' }),
        labRows,
        h('button', { type: 'button', class: 'secondary', onclick: () => { addLab(); } }, t('form.lab.add')),
        labResult),
      h('fieldset', { class: 'group lab-report' }, h('legend', {}, t('form.report')),
        h('p', { class: 'hint' }, t('form.report.hint')),
        field({ label: t('form.report.file'), name: 'report', id: 'report-file', type: 'file', attrs: { accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
        h('p', { class: 'field-error', 'data-error-for': 'samples' }),
        samplesView,
        field({ label: t('form.area'), name: 'sampled_area_m2', type: 'number', value: doc.sampled_area_m2, hint: t('form.area.hint'), attrs: { min: 1, step: 'any', inputmode: 'decimal' } }))),
    h('div', { class: 'need-only' },
      withHelp(field({ label: t('form.maxclass'), name: 'max_class', value: doc.max_class, options: classOpts }), 'class'),
      checkbox({ name: 'accepts_class_range', label: t('fac.range'), checked: doc.accepts_class_range }),
      accepts.el,
      limits.el),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', value: 'publish' }, t('form.save.publish')),
      h('button', { type: 'submit', class: 'secondary', value: 'draft' }, t('form.save.draft')),
      h('a', { href: editing ? `#/annonse/${editing}` : '#/mine', class: 'button-link' }, t('form.cancel'))));
  root.append(form);

  let labSeq = 0;
  function addLab(sub = '', val = '') {
    const i = labSeq++;
    const row = h('div', { class: 'lab-row row' },
      field({ label: t('form.lab.substance'), name: `lab.substance`, id: `lab-s-${i}`, value: sub, attrs: { autocomplete: 'off', list: 'substances' } }),
      field({ label: t('form.lab.value'), name: `lab.value`, id: `lab-v-${i}`, value: val, hint: 'mg/kg', attrs: { inputmode: 'decimal' } }),
      h('button', { type: 'button', class: 'secondary remove', onclick: () => { row.remove(); renumber(); classify(); } }, t('form.lab.remove')));
    labRows.append(row);
    renumber();
    row.querySelector('input').focus();
  }
  // Error slots follow the API's paths lab[i].substance / lab[i].value, so renumber after changes.
  function renumber() {
    [...labRows.children].forEach((row, i) => {
      for (const part of ['substance', 'value']) {
        const ctl = row.querySelector(`[name="lab.${part}"]`);
        ctl.dataset.field = `lab[${i}].${part}`;
        row.querySelector(`#${ctl.id}-err`).dataset.errorFor = `lab[${i}].${part}`;
      }
    });
  }
  for (const r of doc.lab || []) addLab(r.substance, String(r.value));

  function showSamples() {
    samplesView.replaceChildren();
    if (!samples) return;
    samplesView.append(h('p', {}, t('form.report.count', { n: samples.length })),
      h('ul', { class: 'samples' }, samples.map((x) => h('li', {}, sampleText(x)))),
      h('button', { type: 'button', class: 'secondary', onclick: () => { samples = null; showSamples(); } }, t('form.report.remove')));
  }
  showSamples();
  // The lab report read into samples is kept with the listing as its document.
  let reportFile = null;
  form.querySelector('[name="report"]').addEventListener('change', async (ev) => {
    const file = ev.target.files?.[0];
    const slot = form.querySelector('[data-error-for="samples"]');
    slot.textContent = '';
    if (!file) return;
    const type = /\.xlsx$/i.test(file.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
    try {
      const r = await upload('/api/lab-reports', file, type);
      reportFile = { file, type };
      samples = r.samples;
      showSamples();
      announce(t('form.report.count', { n: samples.length }));
    } catch (e) {
      slot.textContent = e.message;
    }
  });
  form.append(h('datalist', { id: 'substances' }, SUBSTANCES.map((x) => h('option', { value: x }))));

  const el = (name) => form.querySelector(`[data-field="${name}"]`);
  // A number field's value: undefined when empty, NaN when it is no number
  // (check() says why), else the number as Norwegians typed it.
  const numv = (name) => { const r = parseNumber(el(name).value); return r.empty ? undefined : r.error ? NaN : r.value; };
  function showType() {
    const ty = el('type').value;
    form.querySelector('.supply-only').hidden = ty !== 'supply';
    form.querySelector('.need-only').hidden = ty !== 'need';
  }
  el('type').addEventListener('change', showType);
  showType();

  function showConv() {
    const m = mats.find((x) => x.code === el('material').value);
    const v = el('amount.value').value;
    const c = v !== '' ? convert(v, el('amount.unit').value, m) : null;
    conv.textContent = c ? t('form.conversion', { t: num(c.t, 1), fm3: num(c.fm3, 1), lm3: num(c.lm3, 1), d: num(m.density_t_per_fm3, 2), b: num(m.bulking_lm3_per_fm3, 2) }) : '';
  }
  for (const n of ['material', 'amount.value', 'amount.unit']) el(n).addEventListener('input', showConv);
  showConv();

  function labBody() {
    return [...labRows.children].map((row) => ({
      substance: row.querySelector('[name="lab.substance"]').value.trim(),
      value: row.querySelector('[name="lab.value"]').value.trim(),
    })).filter((r) => r.substance || r.value);
  }
  let classifyTimer = 0;
  async function classify() {
    const lab = labBody();
    for (const slot of labRows.querySelectorAll('.field-error')) slot.textContent = '';
    if (!lab.length || lab.some((r) => !r.substance || !r.value)) { labResult.textContent = ''; return; }
    try {
      const r = await api('POST', '/api/classify', { lab });
      const name = t('app.name') && (document.documentElement.lang === 'en' ? r.name_en : r.name_nb);
      let txt = r.decided_by && r.class > 1
        ? t('form.lab.result', { cls: r.class, name, sub: r.decided_by.substance, val: num(r.decided_by.value, 3), limit: num(r.decided_by.limit, 3) })
        : t('form.lab.result1');
      if (r.class_max > r.class_min) {
        // A detection limit above a bound: the class is a range, counted at its upper end.
        txt = `${t('site.class')} ${classText({ class: r.class, class_from_lab: r })}: ${t('q.range.counted', { max: r.class_max })}.`;
      }
      if (r.likely_hazardous) txt += ` ${t('form.lab.hazard')}`;
      if (r.risk_assessment) txt += ` ${t('form.lab.risk')}`;
      labResult.textContent = txt;
      labResult.dataset.class = String(r.class);
      labResult.className = `lab-result cls-${r.class}`;
    } catch (e) {
      labResult.textContent = '';
      for (const p of e.problems) {
        const slot = labRows.querySelector(`[data-error-for="${CSS.escape(p.field)}"]`);
        if (slot) slot.textContent = p.message; else labResult.textContent = p.message;
      }
    }
  }
  labRows.addEventListener('input', () => { clearTimeout(classifyTimer); classifyTimer = setTimeout(classify, 300); });
  if (doc.lab?.length) classify();

  // A small map to pick the position by clicking.
  const pick = createMap(form.querySelector('#pick-map'), { zoom: 8 });
  let pin = null;
  function placePin() {
    const la = numv('lat'); const lo = numv('lon');
    if (!Number.isFinite(la) || !Number.isFinite(lo)) return;
    if (pin) pin.setLatLng([la, lo]); else pin = L.circleMarker([la, lo], { radius: 8, color: '#b3401a' }).addTo(pick);
    muni.update(la, lo);
  }
  pick.on('click', (ev) => {
    el('lat').value = inputText(Number(ev.latlng.lat.toFixed(5)));
    el('lon').value = inputText(Number(ev.latlng.lng.toFixed(5)));
    placePin();
  });
  // Keyboard: pan with the arrow keys, then Enter puts the position at the map's centre.
  pick.getContainer().addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.target !== pick.getContainer()) return;
    ev.preventDefault();
    const c = pick.getCenter();
    el('lat').value = inputText(Number(c.lat.toFixed(5)));
    el('lon').value = inputText(Number(c.lng.toFixed(5)));
    placePin();
    announce(t('form.pick.set', { lat: el('lat').value, lon: el('lon').value }));
  });
  el('lat').addEventListener('change', placePin);
  el('lon').addEventListener('change', placePin);
  placePin();
  const setPlace = (a) => takeAddress(el, a, placePin, pick);

  function check(body) {
    const probs = [];
    const req = (path, v) => { if (v === '' || v === undefined || v === null) probs.push({ field: path, message: t('check.required') }); };
    req('title', body.title);
    req('material', body.material);
    req('amount.value', el('amount.value').value);
    req('window.from', body.window.from);
    req('window.to', body.window.to);
    req('lat', el('lat').value);
    req('lon', el('lon').value);
    const num1 = (path) => { const r = parseNumber(el(path).value); if (r.error) probs.push({ field: path, message: t(`num.${r.error}`, { v: el(path).value.trim() }) }); };
    num1('amount.value');
    num1('lat');
    num1('lon');
    num1('price_nok_per_t');
    if (body.type === 'supply' && samples) num1('sampled_area_m2');
    if (Number.isFinite(body.amount.value) && body.amount.value < 0) probs.push({ field: 'amount.value', message: t('check.negative') });
    else if (body.amount.value === 0) probs.push({ field: 'amount.value', message: t('check.positive') });
    if (MONTH.test(body.window.from) && MONTH.test(body.window.to) && body.window.to < body.window.from) probs.push({ field: 'window.to', message: t('check.reversed') });
    if (Math.abs(body.lat) > 90) probs.push({ field: 'lat', message: t('check.lat') });
    if (Math.abs(body.lon) > 180) probs.push({ field: 'lon', message: t('check.lon') });
    if (body.type === 'supply' && body.class === undefined && !body.lab && !body.samples) probs.push({ field: 'class', message: t('check.class') });
    if (body.type === 'need') probs.push(...limits.check());
    return probs;
  }

  function bodyOf() {
    const v = (n) => el(n).value.trim();
    const body = {
      type: el('type').value,
      title: v('title'),
      material: v('material'),
      amount: { value: numv('amount.value'), unit: v('amount.unit') },
      window: { from: v('window.from'), to: v('window.to') },
      lat: numv('lat'),
      lon: numv('lon'),
    };
    if (v('description')) body.description = v('description');
    if (v('property')) body.property = v('property');
    if (v('price_nok_per_t') !== '') body.price_nok_per_t = numv('price_nok_per_t');
    if (doc.keywords) body.keywords = doc.keywords;
    if (body.type === 'supply') {
      const lab = labBody();
      if (samples) {
        body.samples = samples.map(({ class: _c, class_min: _m, ...x }) => x);
        if (v('sampled_area_m2') !== '') body.sampled_area_m2 = numv('sampled_area_m2');
      } else if (lab.length) {
        body.lab = lab;
      }
      if (v('class') !== '') body.class = Number(v('class'));
    } else {
      if (v('max_class') !== '') body.max_class = Number(v('max_class'));
      const acc = accepts.value();
      if (acc.length) body.accepts = acc;
      const lim = limits.value();
      if (lim) body.limits = lim;
      if (el('accepts_class_range').checked) body.accepts_class_range = true;
    }
    return body;
  }

  async function afterSave(saved) {
    if (!reportFile || !samples) return;
    const q = new URLSearchParams({ name: reportFile.file.name, kind: 'lab_report' });
    try {
      await upload(`/api/listings/${saved.id}/documents?${q}`, reportFile.file, reportFile.type);
      reportFile = null;
    } catch (e) { announce(t('doc.failed', { msg: e.message })); }
  }
  onSiteSubmit(form, { path: 'listings', page: 'annonse', savedText: t('form.saved'), editing, version,
                       bodyOf, check, afterSave });
  return () => pick.remove();
}
