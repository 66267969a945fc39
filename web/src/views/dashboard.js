/*
 * views/dashboard.js - the municipality's dashboard (#/dashbord):
 * landfill capacity per year against the expected surplus (the IKAP
 * picture) and masses delivered to landfill per municipality (the MEF
 * picture), both from GET /api/refdata, and for whoever may run plans the
 * CO2 the organisation's latest saved plan would save (GET /api/plans),
 * marked as planned, not delivered. The expected surplus is the 2020 deliveries to
 * landfill held flat: the reference data has no forecast per year. For
 * municipalities and administrators, what was actually delivered this
 * year: confirmed loads per municipality and destination (GET /api/stats).
 */
import { h, note } from '../dom.js';
import { t, num, getLang } from '../i18n.js';
import { worded } from '../words.js';
import { api, getSession } from '../api.js';
import { barLineChart, hbarChart } from '../charts.js';
import { exportButtons } from './files.js';
import { emptyState } from '../empty.js';

export async function dashboardView({ root }) {
  root.append(h('h1', {}, t('dash.title')));
  const s = getSession();
  // The organisation's latest finished plan, as saved on the server (the
  // same list as "Lagrede planer"), for whoever may run plans.
  if (s?.may?.run_plans) {
    let last = null;
    try { last = (await api('GET', '/api/plans')).items.find((p) => p.state === 'done' && p.savings) || null; } catch { last = null; }
    root.append(h('section', { class: 'card co2-card', 'aria-labelledby': 'co2-h' },
      h('h2', { id: 'co2-h' }, t('dash.co2')),
      last ? [h('p', { class: 'stat-value big' }, `${num(last.savings.co2_kg / 1000, 1)} ${t('tonnes_co2')}`),
        h('p', { class: 'note note-info planned' }, t('dash.co2.planned', {
          name: last.name || t('plan.saved.unnamed', { id: last.id }), from: last.request?.from ?? '', to: last.request?.to ?? '',
          when: new Date(last.finished || last.created).toLocaleString(getLang() === 'en' ? 'en-GB' : 'nb-NO'),
        })), h('p', {}, h('a', { href: `#/plan/${last.id}` }, t('dash.co2.open')))]
        : emptyState('plans', { level: 3 })));
  }
  if (s && (s.user.role === 'municipality' || s.user.role === 'admin')) root.append(await deliveredSection());
  let ref;
  try { ref = await api('GET', '/api/refdata'); } catch (e) { root.append(note('error', e.message)); return; }
  const surplus = ref.surplus_2020.reduce((a, r) => a + (r.delivered_to_landfill_m3 || 0), 0);
  const years = ref.capacity_per_year.map((r) => ({ label: String(r.year), value: r.capacity_m3 }));
  root.append(h('section', { class: 'card', 'aria-labelledby': 'ikap-h' },
    h('h2', { id: 'ikap-h' }, t('dash.ikap')),
    h('p', {}, t('dash.ikap.desc')),
    barLineChart(years, { line: surplus, title: t('dash.ikap'), desc: t('dash.ikap.desc'), barLabel: t('dash.capacity'), lineLabel: `${t('dash.surplus')}: ${num(surplus)}`, cls: 'ikap-chart' }),
    h('details', {}, h('summary', {}, t('dash.capacity')),
      h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dash.year')), h('th', { scope: 'col' }, t('dash.capacity')), h('th', { scope: 'col' }, t('dash.surplus')))),
        h('tbody', {}, ref.capacity_per_year.map((r) => h('tr', {}, h('th', { scope: 'row' }, String(r.year)), h('td', { class: 'n' }, num(r.capacity_m3)), h('td', { class: 'n' }, num(surplus)))))))));
  const per = [...ref.surplus_2020].sort((a, b) => b.delivered_to_landfill_m3 - a.delivered_to_landfill_m3);
  root.append(h('section', { class: 'card', 'aria-labelledby': 'mef-h' },
    h('h2', { id: 'mef-h' }, t('dash.mef')),
    hbarChart(per.map((r) => ({ label: `${r.municipality} (${r.code})`, value: r.delivered_to_landfill_m3 })), { title: t('dash.mef'), desc: t('dash.mef'), unit: t('dash.m3') })));
  if (ref.findings?.length) {
    root.append(h('section', { class: 'card' }, h('h2', {}, t('dash.findings')),
      h('ul', {}, ref.findings.map((f) => h('li', {}, f.table ? `${t(`dash.table.${f.table}`)}: ${worded(f)}` : worded(f)))),
      ref.unit_note ? h('p', { class: 'hint' }, t('dash.unit_note')) : null));
  }
}

const DESTS = ['landfill', 'reuse', 'soil_improvement', 'plant', 'storage'];

/* Confirmed loads of this year (Norwegian time) per municipality and destination. */
async function deliveredSection() {
  const year = new Date(Date.now() + 3600e3).getUTCFullYear();
  const sec = h('section', { class: 'card delivered', 'aria-labelledby': 'del-h' },
    h('h2', { id: 'del-h' }, t('dash.delivered', { year })),
    h('p', { class: 'note note-ok' }, t('dash.delivered.note')));
  let st;
  try { st = await api('GET', `/api/stats?year=${year}`); } catch (e) { sec.append(note('error', e.message)); return sec; }
  if (!st.municipalities.length) { sec.append(emptyState('delivered', { level: 3 })); return sec; }
  sec.append(exportButtons(t('files.export.stats'), `/api/exports/statistics?year=${year}`, ['csv', 'xlsx']));
  const row = (m, head) => h('tr', {}, h('th', { scope: 'row' }, head),
    DESTS.map((d) => h('td', { class: 'n' }, num(m.fm3[d]))), h('td', { class: 'n' }, num(m.total_fm3)), h('td', { class: 'n' }, num(m.total_t)), h('td', { class: 'n' }, num(m.loads)));
  sec.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('dash.delivered', { year }) },
    h('table', { class: 'data stats-table' },
      h('caption', {}, t('dash.delivered.caption')),
      h('thead', {}, h('tr', {}, [t('dash.municipality'), ...DESTS.map((d) => t(`dest.${d}`)), t('dash.total.fm3'), t('dash.total.t'), t('trace.loads')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, st.municipalities.map((m) => row(m, `${m.name || m.municipality} (${m.municipality})`))),
      h('tfoot', {}, row(st.total, t('plan.total'))))));
  return sec;
}
