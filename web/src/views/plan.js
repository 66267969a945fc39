/*
 * views/plan.js - run a regional plan (#/plan): POST /api/plans as a
 * municipality or administrator, poll GET /api/jobs/ID every half second
 * with the state in a progress bar and an aria-live line, then show the
 * savings against today's practice (CO2, truckloads, landfill volume,
 * cost) in total and per month, the flows as lines on a map, and a Sankey
 * diagram. Every run is saved on the server for the organisation
 * ("Lagrede planer"); the dashboard shows the latest. Candidate storage
 * sites and plants dropped on the map of the siting section
 * (views/siting.js) go with the request, and the answer is shown with
 * the plan.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, getLang } from '../i18n.js';
import { api, getSession } from '../api.js';
import { worded } from '../words.js';
import { field, summaryBox, showErrors, clearErrors } from '../forms.js';
import { createMap, line, drawRoute, L } from '../map.js';
import { planSankey } from '../sankey.js';
import { hbarChart } from '../charts.js';
import { emptyState } from '../empty.js';
import { withHelp } from '../help.js';
import { whatifSection } from './whatif.js';
import { sitingSection } from './siting.js';

// How many of a plan's flows by road are drawn along the road (the
// largest; each is routed when the page asks, one after the other: the
// server routes one drive at a time).
const FLOW_ROUTES_DRAWN = 10;


/* "YYYY-MM" of the month `ahead` months after this one: a new plan covers
 * the twelve months from next month by default. */
function monthFrom(ahead) {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + ahead, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/* A job's progress line or failure in the reader's language (words.js). */
function jobWords(job) {
  return worded({ message: job.message || '', key: job.message_key, params: job.message_params });
}

/* Landfill capacity per year with today's practice and with the plan
 * (the plan's "forecast", docs/plan-format.md): when it runs out, as
 * sentences and as a table. */
function forecastSection(fc) {
  const runs = (who) => (fc.runs_out[who] ? t(`fc.runs.${who}`, { year: fc.runs_out[who] }) : t(`fc.lasts.${who}`));
  return h('section', { class: 'forecast', 'aria-labelledby': 'fc-h' },
    h('h2', { id: 'fc-h' }, t('fc.title')),
    h('p', { class: `note ${fc.runs_out.today ? 'note-error' : 'note-info'} fc-today` }, runs('today')),
    h('p', { class: `note ${fc.runs_out.plan ? 'note-error' : 'note-info'} fc-plan` }, runs('plan')),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('fc.title') },
      h('table', { class: 'data forecast-table' },
        h('caption', {}, t('fc.title')),
        h('thead', {}, h('tr', {}, [t('fc.year'), t('fc.surplus'), t('fc.landfill.today'), t('fc.landfill.plan'), t('fc.full'), t('fc.short')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, fc.years.map((y) => h('tr', {}, h('th', { scope: 'row' }, String(y.year)),
          h('td', { class: 'n' }, num(y.surplus_t)), h('td', { class: 'n' }, num(y.today.landfill_t)), h('td', { class: 'n' }, num(y.plan.landfill_t)),
          h('td', { class: 'n' }, `${y.today.landfills_full} / ${y.plan.landfills_full} (${y.landfills_open})`),
          h('td', { class: 'n' }, `${num(y.today.capacity_short_t)} / ${num(y.plan.capacity_short_t)}`)))))),
    h('p', { class: 'hint' }, t('fc.note')));
}

/* The range of a saving (5th-95th percentile over the factor draws), as a
 * line under its figure; "counted" when no factor moves it. */
function rangeLine(band, scale, digits) {
  if (!band) return null;
  if (Math.abs(band.high - band.low) <= 1e-9 * (1 + Math.abs(band.central))) {
    return h('span', { class: 'stat-range' }, t('plan.range.counted'));
  }
  return h('span', { class: 'stat-range' }, t('plan.range', { low: num(band.low / scale, digits), high: num(band.high / scale, digits) }));
}

const STATUS_KEYS = { verified: 'method.status.verified', secondary: 'method.status.secondary', estimate: 'method.status.estimate' };

/* What the figures count, their boundary, baseline and factors, and the
 * factors that move the CO2 saving most (plan.method, plan.sensitivity). */
function methodSection(plan) {
  const m = plan.method;
  if (!m) return null;
  const en = getLang() === 'en';
  const fname = (f) => (en ? f.name_en : f.name_nb);
  const byKey = new Map(m.factors.map((f) => [f.key, f]));
  const mix = Object.entries(m.fuel_mix).map(([k, v]) => `${t(`method.fuel.${k}`)} ${num(v * 100)} %`).join(', ');
  const swings = ((plan.sensitivity && plan.sensitivity.co2_kg) || []).slice(0, 3);
  const source = (f) => (f.url ? h('a', { href: f.url, rel: 'noopener', target: '_blank' }, `${f.publisher} ${f.year}`) : `${f.publisher} ${f.year}`);
  return h('section', { class: 'method', 'aria-labelledby': 'me-h' },
    h('h2', { id: 'me-h' }, t('method.title')),
    h('ul', { class: 'method-list' },
      h('li', {}, t('method.objective', { objective: t(`method.objective.${m.objective}`) })),
      h('li', {}, t(`method.boundary.${m.boundary}`), ' ', t('method.fuel', { mix })),
      h('li', {}, t('method.transport')),
      [...plan.flows, ...(plan.baseline_flows || [])].some((f) => f.ferry_km > 0) && plan.settings?.ferry_nok_per_t_crossing !== undefined
        ? h('li', { class: 'method-ferry' }, t('method.ferry', { crossing: num(plan.settings.ferry_nok_per_t_crossing, 2), nok: num(plan.settings.ferry_nok_per_tkm, 2), co2: num(plan.settings.ferry_co2_kg_per_tkm, 3) })) : null,
      h('li', {}, t('method.outside', { km: num(m.out_of_region.landfill_km), fee: num(m.out_of_region.gate_fee_nok_per_t), qkm: num(m.out_of_region.quarry_km) })),
      h('li', {}, t('method.notcounted')),
      m.ranges && m.ranges.draws ? h('li', {}, t('method.ranges', { draws: num(m.ranges.draws) })) : null),
    swings.length ? h('div', { class: 'method-top' },
      h('h3', {}, t('method.top')),
      h('ol', {}, swings.map((w) => {
        const f = byKey.get(w.factor);
        return h('li', {}, h('strong', {}, f ? fname(f) : w.factor), ': ',
          t('method.swing', { low: num(w.saving_at_low / 1000, 1), high: num(w.saving_at_high / 1000, 1) }),
          f ? [' (', t(STATUS_KEYS[f.status] || 'method.status.estimate'), '; ', source(f), ')'] : null);
      }))) : null,
    h('details', { class: 'method-factors' },
      h('summary', {}, t('method.factors')),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('method.factors') },
        h('table', { class: 'data factors-table' },
          h('caption', {}, t('method.factors')),
          h('thead', {}, h('tr', {}, [t('method.col.factor'), t('method.col.value'), t('method.col.unit'), t('method.col.status'), t('method.col.source')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, m.factors.map((f) => h('tr', {},
            h('th', { scope: 'row' }, fname(f)),
            h('td', { class: 'n' }, f.low === f.high ? num(f.central, 3) : `${num(f.low, 3)} – ${num(f.central, 3)} – ${num(f.high, 3)}`),
            h('td', {}, en ? f.unit : (f.unit_nb || f.unit)),
            h('td', {}, t(STATUS_KEYS[f.status] || 'method.status.estimate')),
            // The register's sources are cited as written (in English).
            h('td', {}, en ? f.source : h('span', { lang: 'en' }, f.source), ' (', source(f), ')'))))))));
}

/* This plan beside an earlier one: the totals of each (GET /api/plans
 * gives them) and the difference, with each plan's period. */
function compareSection(job, saved) {
  const others = saved.filter((p) => p.id !== job.id && p.state === 'done' && p.totals);
  const me = saved.find((p) => p.id === job.id) || { id: job.id, totals: job.result.plan.totals, savings: job.result.plan.savings, request: job.request || {} };
  if (!others.length) return null;
  const label = (p) => `${p.name || t('plan.saved.unnamed', { id: p.id })} (${new Date(p.created).toLocaleDateString(getLang() === 'nb' ? 'nb-NO' : 'en-GB')})`;
  const pick = field({ label: t('cmp.pick'), name: 'compare', value: '', options: [['', t('cmp.none')], ...others.map((p) => [String(p.id), label(p)])] });
  const table = h('div', { class: 'compare-out', 'aria-live': 'polite' });
  const rows = [
    ['co2', (p) => p.totals.co2_kg / 1000, 1], ['saved', (p) => p.savings.co2_kg / 1000, 1],
    ['trucks', (p) => p.totals.truckloads, 0], ['landfill', (p) => p.totals.landfill_fm3, 0],
    ['virgin', (p) => p.totals.virgin_t, 0], ['reused', (p) => p.totals.reused_t, 0],
    ['unplaced', (p) => p.totals.unplaced_t, 0], ['cost', (p) => p.totals.cost_nok, 0],
  ];
  const period = (p) => (p.request && p.request.from ? `${p.request.from} – ${p.request.to}` : '–');
  pick.querySelector('select').addEventListener('change', (ev) => {
    const other = others.find((p) => String(p.id) === ev.target.value);
    if (!other) { replace(table); return; }
    const signed = (x, d) => (x > 0 ? `+${num(x, d)}` : num(x, d));
    replace(table, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('cmp.title') },
      h('table', { class: 'data compare-table' },
        h('caption', {}, t('cmp.title')),
        h('thead', {}, h('tr', {}, h('td', {}), h('th', { scope: 'col' }, t('cmp.this')), h('th', { scope: 'col' }, label(other)), h('th', { scope: 'col' }, t('cmp.diff')))),
        h('tbody', {},
          h('tr', {}, h('th', { scope: 'row' }, t('cmp.horizon')), h('td', {}, period(me)), h('td', {}, period(other)), h('td', {})),
          rows.map(([k, f, d]) => h('tr', { 'data-row': k }, h('th', { scope: 'row' }, t(`cmp.row.${k}`)),
            h('td', { class: 'n' }, num(f(me), d)), h('td', { class: 'n' }, num(f(other), d)), h('td', { class: 'n' }, signed(f(me) - f(other), d))))))),
      h('p', { class: 'hint' }, t('cmp.hint')));
  });
  return h('section', { class: 'card compare', 'aria-labelledby': 'cmp-h' }, h('h2', { id: 'cmp-h' }, t('cmp.title')), pick, table);
}

/* The plans saved for the organisation, newest first, each a link to its page. */
async function savedPlans(r, form) {
  const sec = h('section', { class: 'card saved-plans', 'aria-labelledby': 'sp-h' }, h('h2', { id: 'sp-h' }, t('plan.saved')));
  if (r.error) { sec.append(note('error', r.error)); return sec; }
  if (!r.items.length) { sec.append(emptyState('plans', { level: 3, focus: form?.querySelector('[data-field="municipalities"]') })); return sec; }
  sec.append(h('ul', { class: 'saved-plan-list' }, r.items.map((p) => {
    const when = new Date(p.created).toLocaleDateString(getLang() === 'nb' ? 'nb-NO' : 'en-GB');
    const title = p.name || t('plan.saved.unnamed', { id: p.id });
    return h('li', {},
      p.state === 'done' ? h('a', { href: `#/plan/${p.id}` }, title) : h('span', {}, title),
      h('span', { class: 'hint' }, ` · ${when} · ${p.by.name}`),
      p.savings ? h('span', { class: 'hint' }, ` · ${t('plan.saved.co2', { t: num(p.savings.co2_kg / 1000, 1) })}`)
        : h('span', { class: 'hint' }, ` · ${t(`plan.state.${p.state}`, { msg: '' })}`));
  })));
  return sec;
}

export async function planView({ root, params }) {
  root.append(h('h1', {}, t('plan.title')), h('p', {}, t('plan.intro')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Fplan' }, t('nav.login'))); return; }
  if (!s.may?.run_plans) { root.append(note('error', t('plan.role'))); return; }
  const siting = sitingSection();
  const form = h('form', { class: 'card plan-form', novalidate: true },
    summaryBox(),
    h('div', { class: 'row' },
      field({ label: t('plan.municipalities'), name: 'municipalities', value: '5001', attrs: { required: true, inputmode: 'numeric' } }),
      field({ label: t('plan.from'), name: 'from', type: 'month', value: monthFrom(1), attrs: { required: true } }),
      field({ label: t('plan.to'), name: 'to', type: 'month', value: monthFrom(12), attrs: { required: true } })),
    field({ label: t('plan.name'), name: 'name', attrs: { maxlength: 160 } }),
    withHelp(field({ label: t('plan.objective'), name: 'objective', value: 'cost', hint: t('plan.objective.hint'),
      options: ['cost', 'co2', 'landfill'].map((o) => [o, t(`method.objective.${o}`)]) }), 'plan'),
    siting.el,
    h('button', { type: 'submit', class: 'primary' }, t('plan.run')));
  const progress = h('div', { class: 'progress', hidden: true },
    h('progress', { max: 100, value: 0, 'aria-label': t('plan.title') }), h('p', { class: 'progress-text', role: 'status' }));
  const out = h('div', { class: 'plan-result' });
  let saved = null;
  try { saved = await api('GET', '/api/plans'); } catch (e) { saved = { error: e.message, items: [] }; }
  let savedSec = await savedPlans(saved, form);
  root.append(form, progress, out, savedSec);
  siting.mount();
  let timer = 0;
  let map = null;
  let stopped = false;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const codes = String(fd.get('municipalities')).split(/[\s,;]+/).filter(Boolean);
    const body = { municipalities: codes, from: String(fd.get('from')), to: String(fd.get('to')) };
    if (String(fd.get('name')).trim()) body.name = String(fd.get('name')).trim();
    if (fd.get('objective') && fd.get('objective') !== 'cost') body.objective = String(fd.get('objective'));
    const probs = [];
    if (!codes.length) probs.push({ field: 'municipalities', message: t('check.required') });
    if (!body.from) probs.push({ field: 'from', message: t('check.required') });
    if (!body.to) probs.push({ field: 'to', message: t('check.required') });
    if (body.from && body.to && body.to < body.from) probs.push({ field: 'to', message: t('check.reversed') });
    Object.assign(body, siting.body(form, probs));
    if (probs.length) { showErrors(form, probs); return; }
    form.querySelector('button[type=submit]').disabled = true;
    replace(out);
    progress.hidden = false;
    const bar = progress.querySelector('progress');
    const txt = progress.querySelector('.progress-text');
    bar.value = 5;
    txt.textContent = t('plan.state.queued');
    try {
      const r = await api('POST', '/api/plans', body, { withLocation: true });
      const url = r.location || `/api/jobs/${r.data.id}`;
      const poll = async () => {
        if (stopped) return;
        let job;
        try { job = await api('GET', url); } catch (e) { fail(e.message); return; }
        bar.value = job.state === 'queued' ? 15 : job.state === 'running' ? 60 : 100;
        txt.textContent = t(`plan.state.${job.state}`, { msg: jobWords(job) });
        if (job.state === 'done') {
          announce(txt.textContent);
          done(job, body);
          // The run is saved now: the list under the form shows it at once.
          api('GET', '/api/plans').then(async (r) => { const fresh = await savedPlans(r, form); savedSec.replaceWith(fresh); savedSec = fresh; }).catch(() => {});
          // The plan has an address of its own now (shared with the organisation).
          history.replaceState(null, '', `#/plan/${job.id}`);
        } else if (job.state === 'failed') fail(jobWords(job));
        else timer = setTimeout(poll, 500);
      };
      poll();
    } catch (e) {
      progress.hidden = true;
      form.querySelector('button[type=submit]').disabled = false;
      showErrors(form, e.problems);
    }
  });

  function fail(msg) {
    form.querySelector('button[type=submit]').disabled = false;
    progress.querySelector('.progress-text').textContent = t('plan.state.failed', { msg });
    announce(t('plan.state.failed', { msg }), true);
  }

  function done(job, body) {
    form.querySelector('button[type=submit]').disabled = false;
    const plan = job.result.plan;
    const sv = plan.savings;
    const card = (cls, label, value, unit, range) => h('div', { class: `stat ${cls}` }, h('span', { class: 'stat-label' }, label),
      h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-unit' }, unit), range || null);
    const rs = (plan.ranges && plan.ranges.savings) || {};
    const months = plan.months.map((m) => ({
      month: m.month,
      co2: (m.baseline.co2_kg - m.plan.co2_kg) / 1000,
      trucks: m.baseline.truckloads - m.plan.truckloads,
      fm3: m.baseline.landfill_fm3 - m.plan.landfill_fm3,
      nok: m.baseline.cost_nok - m.plan.cost_nok,
    }));
    const sk = planSankey(plan);
    replace(out,
      h('section', { class: 'savings', 'aria-labelledby': 'sav-h' },
        h('h2', { id: 'sav-h' }, t('plan.savings')),
        h('p', { class: 'note note-info planned' }, t('plan.savings.note')),
        h('div', { class: 'stats' },
          card('sv-co2', t('plan.co2'), num(sv.co2_kg / 1000, 1), t('tonnes_co2'), rangeLine(rs.co2_kg, 1000, 1)),
          card('sv-trucks', t('plan.trucks'), num(sv.truckloads), t('plan.unit.loads'), rangeLine(rs.truckloads, 1, 0)),
          card('sv-landfill', t('plan.landfill.all'), num(sv.landfill_all_t ?? sv.landfill_t), t('plan.unit.t'), rangeLine(rs.landfill_all_t, 1, 0)),
          card('sv-cost', t('plan.cost'), num(sv.cost_nok), t('plan.unit.nok'), rangeLine(rs.cost_nok, 1, 0)),
          card('sv-reused', t('plan.reused'), num(-sv.reused_t), t('plan.unit.t'))),
        // The landfill card counts landfills outside the region too; the
        // landfill table below shows the region's own: say how they add up.
        sv.landfill_all_t !== undefined && sv.landfill_t !== undefined ? h('p', { class: 'hint sv-landfill-split' }, t('plan.landfill.split', {
          all: num(sv.landfill_all_t), inside: num(sv.landfill_t), outside: num(sv.landfill_all_t - sv.landfill_t) })) : null,
        sv.truckloads < 0 ? h('p', { class: 'hint' }, t('plan.more.trucks')) : null,
        sv.out_of_region_co2_kg > 0 && plan.method ? h('p', { class: 'hint sv-outside' }, t('plan.outside', {
          co2: num(sv.out_of_region_co2_kg / 1000, 1), total: num(sv.co2_kg / 1000, 1),
          km: num(plan.method.out_of_region.landfill_km) })) : null,
        h('h3', {}, t('plan.permonth')),
        hbarChart(months.map((m) => ({ label: m.month, value: m.co2 })), { title: `${t('plan.co2')} (${t('tonnes_co2')})`, desc: t('plan.permonth'), unit: t('tonnes_co2') }),
        h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('plan.permonth') },
          h('table', { class: 'data months-table' },
            h('caption', {}, t('plan.permonth')),
            h('thead', {}, h('tr', {}, [t('plan.month'), `${t('plan.co2')} (${t('tonnes_co2')})`, `${t('plan.trucks')}`, `${t('plan.landfill')} (fm³)`, `${t('plan.cost')} (${t('plan.unit.nok')})`].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, months.map((m) => h('tr', {}, h('th', { scope: 'row' }, m.month),
              h('td', { class: 'n' }, num(m.co2, 1)), h('td', { class: 'n' }, num(m.trucks)), h('td', { class: 'n' }, num(m.fm3)), h('td', { class: 'n' }, num(m.nok))))),
            h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('plan.total')),
              h('td', { class: 'n' }, num(sv.co2_kg / 1000, 1)), h('td', { class: 'n' }, num(sv.truckloads)), h('td', { class: 'n' }, num(sv.landfill_fm3)), h('td', { class: 'n' }, num(sv.cost_nok))))))),
      job.result.siting ? siting.answer(job.result.siting, job.id) : null,
      job.id && saved ? compareSection(job, saved.items) : null,
      job.id && job.result.scenario ? whatifSection(job) : null,
      plan.forecast ? forecastSection(plan.forecast) : null,
      methodSection(plan),
      h('section', { 'aria-labelledby': 'pm-h' }, h('h2', { id: 'pm-h' }, t('plan.map')),
        h('div', { class: 'map-wrap' }, h('div', { id: 'plan-map', role: 'region', 'aria-label': t('plan.map') })),
        h('p', { class: 'hint plan-map-key' }, t('plan.map.key'))),
      h('section', { 'aria-labelledby': 'sk-h' }, h('h2', { id: 'sk-h' }, t('plan.sankey')),
        // Scrolls sideways on a phone: reachable by keyboard (axe, WCAG 2.1.1).
        h('div', { class: 'sankey-wrap', tabindex: '0', role: 'region', 'aria-label': t('plan.sankey') }, sk),
        sk.dataset?.grouped ? h('p', { class: 'hint sankey-note' }, t('plan.sankey.grouped', { n: sk.dataset.grouped }))
          : sk.dataset?.circles ? h('p', { class: 'hint sankey-note' }, t('plan.sankey.circles')) : null));
    if (map) map.remove();
    map = createMap(out.querySelector('#plan-map'));
    const pos = new Map(plan.sites.map((x) => [x.id, x]));
    const pairs = new Map();
    for (const f of plan.flows) {
      const k = `${f.from}>${f.to}`;
      const p = pairs.get(k) || { tonnes: 0, road: false, estimate: true, km: f.km, ferry: f.ferry_km || 0 };
      p.tonnes += f.tonnes;
      p.road ||= f.km_source === 'road';
      p.estimate &&= f.km_source === 'estimate';
      pairs.set(k, p);
    }
    const max = Math.max(1, ...[...pairs.values()].map((p) => p.tonnes));
    const bounds = L.latLngBounds([]);
    // The largest flows by road are drawn along the road (routed when
    // asked); the others, and estimates (dashed), as straight lines.
    const big = new Set([...pairs].filter(([, p]) => p.road).sort((x, y) => y[1].tonnes - x[1].tonnes)
      .slice(0, FLOW_ROUTES_DRAWN).map(([k]) => k));
    const toDraw = [];
    const kindWord = (p) => t(p.road ? 'matches.road' : p.estimate ? 'matches.estimate' : 'plan.km.table');
    for (const [k, { tonnes, road, estimate, km, ferry }] of pairs) {
      const [a, b] = k.split('>');
      const pa = pos.get(a); const pb = pos.get(b);
      if (!pa || !pb) continue;
      const color = pb.kind === 'landfill' ? '#a33b20' : pb.kind === 'need' ? '#1a6e3a' : '#5b6f8a';
      const ferryText = ferry > 0 ? `, ${t('matches.ferry', { km: num(ferry, 1) })}` : '';
      const title = `${pa.name} → ${pb.name}: ${num(tonnes)} t, ${num(km, 1)} km ${kindWord({ road, estimate })}${ferryText}`;
      const pl = line([pa.lat, pa.lon], [pb.lat, pb.lon], { weight: 2 + 8 * Math.sqrt(tonnes / max), color, cls: `flow-line ${road ? 'by-road' : estimate ? 'estimate' : 'table'}`, title }).addTo(map);
      if (estimate) pl.setStyle({ dashArray: '6 6' });
      // Market sites are "L12" (listings) / "F5" (facilities).
      else if (big.has(k) && /^[LF]\d+$/.test(a) && /^[LF]\d+$/.test(b)) toDraw.push([`${a[0] === 'L' ? 'listings' : 'facilities'}/${a.slice(1)}`, b.slice(1), pl]);
      bounds.extend([pa.lat, pa.lon]); bounds.extend([pb.lat, pb.lon]);
    }
    (async () => {
      for (const [from, to, pl] of toDraw) await drawRoute(map, from, to, pl);
      out.querySelector('#plan-map')?.setAttribute('data-routes', String(toDraw.length));
    })();
    for (const x of plan.sites) {
      L.circleMarker([x.lat, x.lon], { radius: 4, color: '#222', weight: 1, fillOpacity: 0.7 }).bindTooltip(`${x.name} (${t(`kind.${x.kind}`)})`).addTo(map);
    }
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.1));
    out.querySelector('#sav-h').focus?.();
  }
  // A saved plan by its address: shown as it was solved, with its inputs in the form.
  if (params?.id) {
    try {
      const job = await api('GET', `/api/plans/${params.id}`);
      const req = job.request || {};
      if (req.municipalities) form.querySelector('[data-field="municipalities"]').value = req.municipalities.join(', ');
      if (req.from) form.querySelector('[data-field="from"]').value = req.from;
      if (req.to) form.querySelector('[data-field="to"]').value = req.to;
      if (req.name) form.querySelector('[data-field="name"]').value = req.name;
      if (req.candidates) siting.fill(req);
      if (job.state === 'done') done(job, req);
      else replace(out, note('info', t(`plan.state.${job.state}`, { msg: jobWords(job) })));
    } catch (e) { replace(out, note('error', e.status === 404 ? t('plan.saved.notfound') : e.message)); }
  }
  return () => { stopped = true; clearTimeout(timer); if (map) map.remove(); siting.remove(); };

}
