/*
 * views/whatif.js - "Hva om?" on a solved regional plan: the planner
 * picks a change (a landfill, storage site, plant or quarry closes from a
 * month; a listing gets another amount; a listing is withdrawn), the
 * server plans the region again warm from its last basis (POST
 * /api/plans/{id}/whatif, docs/api.md) and the page shows the plan's
 * figures now and with the change side by side, and the facilities whose
 * intake moved. Nothing is stored.
 */
import { h, replace, announce } from '../dom.js';
import { t, num } from '../i18n.js';
import { api } from '../api.js';
import { field, summaryBox, showErrors, clearErrors, readNumber } from '../forms.js';
import { inputText } from '../numbers.js';
import { ACCEPTS, YIELDS, SITING_DEFAULTS } from './siting.js';

const FACILITIES = new Set(['landfill', 'storage', 'plant', 'quarry']);
const LISTINGS = new Set(['source', 'need']);

// The figures shown, in order: [figure in the reply, label key, scale, digits].
const ROWS = [
  ['cost_nok', 'wi.row.cost', 1, 0],
  ['co2_kg', 'wi.row.co2', 1000, 1],
  ['landfill_fm3', 'wi.row.landfill', 1, 0],
  ['virgin_t', 'wi.row.virgin', 1, 0],
  ['reused_t', 'wi.row.reused', 1, 0],
  ['truckloads', 'wi.row.trucks', 1, 0],
  ['unplaced_t', 'wi.row.unplaced', 1, 0],
  ['unmet_t', 'wi.row.unmet', 1, 0],
];

const signed = (x, d) => (x > 0 ? `+${num(x, d)}` : num(x, d));

/* The server names a change's field "changes[0].from"; the form's are "from". */
function local(problems) {
  return problems.map((p) => ({ ...p, field: (p.field || '').replace(/^changes\[0\]\.?/, '').replace(/^amount\.unit$/, 'unit').replace(/^amount\..*/, 'amount')
    .replace(/^site\.municipality$/, 'municipality').replace(/^site\.capacity.*/, 'capacity') }));
}

/* The answer: figures now and with the change, and what moved where. */
function answer(w, names) {
  const fig = new Map(w.figures.map((f) => [f.figure, f]));
  const moved = w.facilities.slice(0, 10);
  return h('div', { class: 'whatif-answer' },
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('wi.table') },
      h('table', { class: 'data whatif-table' },
        h('caption', {}, t('wi.table')),
        h('thead', {}, h('tr', {}, h('td', {}), h('th', { scope: 'col' }, t('wi.now')), h('th', { scope: 'col' }, t('wi.then')), h('th', { scope: 'col' }, t('cmp.diff')))),
        h('tbody', {}, ROWS.filter(([k]) => fig.has(k)).map(([k, label, scale, d]) => {
          const f = fig.get(k);
          return h('tr', { 'data-row': k }, h('th', { scope: 'row' }, t(label)),
            h('td', { class: 'n' }, num(f.before / scale, d)), h('td', { class: 'n' }, num(f.after / scale, d)),
            h('td', { class: 'n' }, signed(f.difference / scale, d)));
        })))),
    w.same_optimum ? h('p', { class: 'note note-info whatif-same' }, t('wi.same')) : null,
    moved.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('wi.moved') },
      h('table', { class: 'data whatif-moved' },
        h('caption', {}, t('wi.moved')),
        h('thead', {}, h('tr', {}, [t('wi.site'), t('wi.now.t'), t('wi.then.t'), t('cmp.diff')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, moved.map((m) => h('tr', { 'data-site': m.site }, h('th', { scope: 'row' }, names.get(m.site) || m.site),
          h('td', { class: 'n' }, num(m.before_t)), h('td', { class: 'n' }, num(m.after_t)), h('td', { class: 'n' }, signed(m.difference_t))))))) 
      : w.same_optimum ? null : h('p', { class: 'hint' }, t('wi.nomove')),
    h('p', { class: 'hint whatif-note' }, t('wi.note')),
    h('p', { class: 'hint whatif-time' }, t(w.warm ? 'wi.time.warm' : 'wi.time.cold', { ms: num(w.seconds.total * 1000) })));
}

const UNITS = [['t', 't'], ['fm3', 'fm³'], ['lm3', 'lm³']];
const unitWord = (u) => (UNITS.find(([k]) => k === u) || [u, u])[1];

/* The section under a solved plan; `job` is GET /api/plans/{id}. */
export function whatifSection(job) {
  const plan = job.result.plan;
  const sites = plan.sites || [];
  // Each listing as the scenario has it: its amount and months tell
  // listings with the same name apart.
  const given = new Map((job.result.scenario.sites || []).map((x) => [x.id, x]));
  const names = new Map(sites.map((x) => [x.id, `${x.name} (${t(`kind.${x.kind}`)})`]));
  const listingLabel = (x) => {
    const g = given.get(x.id);
    const amount = g?.amount ? ` · ${num(g.amount.value)} ${unitWord(g.amount.unit)}` : '';
    const months = g?.window ? ` · ${g.window.from}–${g.window.to}` : '';
    return `${x.name}${amount}${months}`;
  };
  const facilities = sites.filter((x) => FACILITIES.has(x.kind));
  const listings = sites.filter((x) => LISTINGS.has(x.kind));
  // Listings alike in name, amount and months are numbered ("nr. 2").
  const opts = (list, label) => {
    const seen = new Map();
    return list.map((x) => {
      const l = label(x);
      const k = (seen.get(l) || 0) + 1;
      seen.set(l, k);
      return [x.id, k > 1 ? `${l} · ${t('wi.nr', { n: k })}` : l];
    });
  };
  const kinds = [['close', t('wi.kind.close')], ['open', t('wi.kind.open')], ['amount', t('wi.kind.amount')], ['withdraw', t('wi.kind.withdraw')]]
    .filter(([k]) => (k === 'close' ? facilities.length : k === 'open' ? true : listings.length));
  // A facility opened in a municipality of the plan (its centre point):
  // a storage site or a crushing plant, taking what the siting section's
  // candidates take, its capacity an estimate the planner may change.
  const muni = String((job.request?.municipalities || [])[0] || '');
  const opening = h('div', { class: 'whatif-open' },
    field({ label: t('wi.open.kind'), name: 'open_kind', value: 'plant', options: [['plant', t('kind.plant')], ['storage', t('kind.storage')]] }),
    field({ label: t('wi.open.municipality'), name: 'municipality', value: muni, hint: t('wi.open.municipality.hint'), attrs: { inputmode: 'numeric', maxlength: 4 } }),
    field({ label: t('wi.open.capacity'), name: 'capacity', type: 'number', value: SITING_DEFAULTS.plant.capacity, hint: t('wi.open.capacity.hint'), attrs: { min: 1 } }));
  if (!kinds.length) return null;
  const siteField = h('div', { class: 'whatif-site' });
  const from = field({ label: t('wi.from'), name: 'from', type: 'month', value: plan.horizon.from, attrs: { min: plan.horizon.from, max: plan.horizon.to } });
  const amount = h('div', { class: 'row whatif-amount' },
    field({ label: t('wi.amount'), name: 'amount', type: 'number', hint: t('wi.amount.hint'), attrs: { min: 0.1 } }),
    field({ label: t('wi.unit'), name: 'unit', value: 't', options: UNITS }));
  const form = h('form', { class: 'whatif-form', novalidate: true },
    summaryBox(),
    field({ label: t('wi.kind'), name: 'kind', value: kinds[0][0], options: kinds }),
    siteField, opening, from, amount,
    h('button', { type: 'submit', class: 'primary' }, t('wi.run')));
  const out = h('div', { class: 'whatif-out', 'aria-live': 'polite' });
  const show = () => {
    const kind = form.querySelector('[data-field="kind"]').value;
    if (kind === 'open') replace(siteField);
    else {
      replace(siteField, field({ label: t(kind === 'close' ? 'wi.facility' : 'wi.listing'), name: 'site',
        options: kind === 'close' ? opts(facilities, (x) => names.get(x.id)) : opts(listings, listingLabel) }));
      siteField.querySelector('select').addEventListener('change', fillAmount);
      fillAmount();
    }
    opening.style.display = kind === 'open' ? '' : 'none';
    // (the fields' own display rule would outdo the hidden attribute)
    from.style.display = kind === 'close' ? '' : 'none';
    amount.style.display = kind === 'amount' ? '' : 'none';
  };
  // The listing's own amount and unit, to change from.
  function fillAmount() {
    const g = given.get(form.querySelector('[data-field="site"]')?.value);
    if (!g?.amount) return;
    form.querySelector('[data-field="amount"]').value = inputText(g.amount.value);
    form.querySelector('[data-field="unit"]').value = g.amount.unit;
  }
  form.querySelector('[data-field="kind"]').addEventListener('change', () => { clearErrors(form); show(); });
  form.querySelector('[data-field="open_kind"]').addEventListener('change', (ev) => {
    form.querySelector('[data-field="capacity"]').value = inputText(SITING_DEFAULTS[ev.target.value].capacity);
  });
  show();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const kind = form.querySelector('[data-field="kind"]').value;
    const change = { kind, site: form.querySelector('[data-field="site"]')?.value };
    const probs = [];
    if (kind === 'open') {
      const what = form.querySelector('[data-field="open_kind"]').value;
      const m = form.querySelector('[data-field="municipality"]').value.trim();
      if (!/^\d{4}$/.test(m)) probs.push({ field: 'municipality', message: t('wi.open.municipality.hint') });
      const cap = readNumber(form, 'capacity', probs, { required: true });
      const site = { id: `hva-om-${what}`, name: t(`wi.open.name.${what}`), kind: what, municipality: m, accepts: ACCEPTS[what] };
      if (what === 'plant') { site.capacity_per_month = { value: cap, unit: 't' }; site.yields = YIELDS; }
      else site.capacity = { value: cap, unit: 't' };
      change.site = site;
    }
    if (kind === 'close') {
      change.from = form.querySelector('[data-field="from"]').value;
      if (!change.from) probs.push({ field: 'from', message: t('check.required') });
    }
    if (kind === 'amount') {
      const v = readNumber(form, 'amount', probs, { required: true });
      if (v !== undefined) change.amount = { value: v, unit: form.querySelector('[data-field="unit"]').value };
    }
    if (probs.length) { showErrors(form, probs); return; }
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    replace(out, h('p', { class: 'hint', role: 'status' }, t('wi.busy')));
    try {
      const r = await api('POST', `/api/plans/${job.id}/whatif`, { changes: [change] });
      replace(out, answer(r.whatif, names));
      announce(t('wi.done'));
    } catch (e) {
      replace(out);
      showErrors(form, local(e.problems));
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { class: 'card whatif', 'aria-labelledby': 'wi-h' },
    h('h2', { id: 'wi-h' }, t('wi.title')),
    h('p', {}, t('wi.intro')),
    form, out);
}
