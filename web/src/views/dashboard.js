/*
 * views/dashboard.js - the municipality's dashboard (#/dashbord):
 * landfill capacity per year against the expected surplus (the IKAP
 * picture) and masses delivered to landfill per municipality (the MEF
 * picture), both from GET /api/refdata, and the CO2 the latest plan run
 * in this browser would save (localStorage "mb-last-plan"), marked as
 * planned, not delivered. The expected surplus is the 2020 deliveries to
 * landfill held flat: the reference data has no forecast per year.
 */
import { h, note } from '../dom.js';
import { t, num } from '../i18n.js';
import { api } from '../api.js';
import { barLineChart, hbarChart } from '../charts.js';
import { LAST_PLAN_KEY } from './plan.js';

export async function dashboardView({ root }) {
  root.append(h('h1', {}, t('dash.title')));
  let last = null;
  try { last = JSON.parse(localStorage.getItem(LAST_PLAN_KEY) || 'null'); } catch { last = null; }
  root.append(h('section', { class: 'card co2-card', 'aria-labelledby': 'co2-h' },
    h('h2', { id: 'co2-h' }, t('dash.co2')),
    last ? [h('p', { class: 'stat-value big' }, `${num(last.savings.co2_kg / 1000, 1)} ${t('tonnes_co2')}`),
      h('p', { class: 'note note-info planned' }, t('dash.co2.planned', { name: last.name, from: last.horizon.from, to: last.horizon.to, when: new Date(last.when).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'nb-NO') }))]
      : h('p', {}, t('dash.co2.none'))));
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
      h('ul', {}, ref.findings.map((f) => h('li', {}, `${f.table || ''}: ${f.message}`))),
      ref.unit_note ? h('p', { class: 'hint' }, String(ref.unit_note)) : null));
  }
}
