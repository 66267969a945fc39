/*
 * views/site.js - one listing (#/annonse/ID) or facility (#/anlegg/ID):
 * its details, the status buttons for its own organisation (publish,
 * back to draft, close) and, for a listing, the ranked matches from
 * GET /api/listings/ID/matches as a table and as lines on a map from the
 * listing to each counterparty (the best match drawn thickest).
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, materialName } from '../i18n.js';
import { api, materials, getSession } from '../api.js';
import { createMap, siteMarker, line, drawRoute, L } from '../map.js';
import { go } from '../router.js';
import { worded } from '../words.js';
import { reserveSection } from './deals.js';
import { mhpButtons } from './files.js';
import { listingMessages } from './messages.js';
import { documentsSection } from './documents.js';
import { emptyState } from '../empty.js';
import { classText, backgroundText, verdictText, labText, sampleText, samplingText } from '../quality.js';

/* A material code of an accepts list as people read it: "*" and "rock.*"
 * as words, a code as the material's name. */
function matLabel(code, mats) {
  if (code === '*') return t('mat.all');
  if (code.endsWith('.*')) return t('mat.group.all', { code });
  return materialName(mats.find((x) => x.code === code)) || code;
}

/* The organisation behind a site, with the contact it publishes. */
function orgText(o) {
  if (!o) return undefined;
  const c = o.contact;
  if (!c) return o.name;
  return h('span', { class: 'org' }, o.name,
    c.name ? ` · ${c.name}` : '',
    c.phone ? [' · ', h('a', { href: `tel:${c.phone.replace(/\s/g, '')}` }, c.phone)] : '',
    c.email ? [' · ', h('a', { href: `mailto:${c.email}` }, c.email)] : '');
}

/* The lab reports among the documents, as links (next to the lab values). */
function labReports(site) {
  const reps = (site.documents || []).filter((d) => d.kind === 'lab_report');
  if (!reps.length) return undefined;
  return h('span', {}, reps.map((d, i) => [i ? ', ' : '', h('a', { href: d.url, download: d.name }, d.name)]));
}

function dl(rows) {
  return h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== undefined && r[1] !== null && r[1] !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function siteView({ root, params, query }) {
  const family = location.hash.startsWith('#/anlegg') ? 'facilities' : 'listings';
  const id = Number(params.id);
  const mats = await materials().catch(() => []);
  let site;
  try { site = await api('GET', `/api/${family}/${id}`); } catch (e) {
    root.append(h('h1', {}, `#${id}`), note('error', e.status === 404 ? t('error.notfound') : e.message));
    return;
  }
  const s = getSession();
  const m = mats.find((x) => x.code === site.material);
  const title = site.title || site.name;
  const own = s && (s.user.org_id === site.org_id || s.user.role === 'admin');
  const msg = h('div', { 'aria-live': 'polite' });
  if (query.get('lagret')) msg.append(note('ok', t(family === 'listings' ? 'form.saved' : 'fac.saved')));

  async function setStatus(st) {
    if (st === 'closed' && !window.confirm(t(family === 'listings' ? 'site.close.confirm' : 'fac.close.confirm'))) return;
    try {
      await api('POST', `/api/${family}/${id}/status`, { status: st }, { ifMatch: site.version });
      announce(t('site.changed', { status: t(`status.${st}`) }));
      go(`#/${family === 'listings' ? 'annonse' : 'anlegg'}/${id}`);
    } catch (e) { replace(msg, note('error', e.message)); }
  }
  const actions = own && site.status !== 'closed' ? h('div', { class: 'buttons' },
    h('a', { href: family === 'listings' ? `#/rediger/${id}` : `#/rediger-anlegg/${id}`, class: 'button-link' }, t('site.edit')),
    site.status === 'draft' ? h('button', { type: 'button', class: 'primary', onclick: () => setStatus('published') }, t('site.publish')) : null,
    site.status === 'published' ? h('button', { type: 'button', class: 'secondary', onclick: () => setStatus('draft') }, t('site.unpublish')) : null,
    h('button', { type: 'button', class: 'danger', onclick: () => setStatus('closed') }, t(family === 'listings' ? 'site.close' : 'fac.close'))) : null;
  const cap = site.capacity_per_year || site.capacity || site.capacity_per_month;
  const capKey = site.capacity_per_year ? 'landfill' : site.capacity ? 'storage' : 'plant';
  const fee = site.gate_fee_nok_per_t ?? site.handling_nok_per_t ?? site.processing_nok_per_t ?? (family === 'facilities' ? site.price_nok_per_t : undefined);

  const pos = site.position || {};
  root.append(h('h1', {}, title), msg, site.material === 'rock.acid' ? note('warn', t('q.acid')) : '',
    h('div', { class: 'site-layout' },
      h('section', { class: 'card' },
        dl([
          [t('site.status'), h('span', { class: `badge st-${site.status}` }, t(`status.${site.status}`))],
          [t('site.organisation'), orgText(site.organisation)],
          [family === 'listings' ? t('form.type') : t('fac.type'), t(`kind.${site.type}`)],
          [t('site.material'), site.material ? `${materialName(m) || site.material}` : (site.offers || []).join(', ')],
          [t('site.amount'), site.amount ? `${num(site.amount.value, 2)} ${t(`unit.${site.amount.unit}`)}` : undefined],
          [t('site.window'), site.window ? `${site.window.from} – ${site.window.to}` : undefined],
          [t('site.class'), classText(site)],
          [t('site.natural'), backgroundText(site)],
          [t('site.price'), family === 'listings' && site.price_nok_per_t !== undefined ? num(site.price_nok_per_t, 2) : undefined],
          [cap ? t(`fac.capacity.${capKey}`).replace(/ \(.*\)$/, '') : '', cap ? `${num(cap.value)} ${t(`unit.${cap.unit}`)}` : undefined],
          [fee !== undefined ? t(`fac.fee.${site.type}`) : '', fee !== undefined ? num(fee, 2) : undefined],
          [t('fac.holding'), site.holding_nok_per_t_month !== undefined ? num(site.holding_nok_per_t_month, 2) : undefined],
          [t('fac.co2'), site.co2_kg_per_t !== undefined ? num(site.co2_kg_per_t, 2) : undefined],
          [t('fac.yields'), site.yields?.length ? site.yields.map((y) => `${materialName(mats.find((x) => x.code === y.material)) || y.material} ${num(y.share, 3)}`).join(', ') : undefined],
          [t('site.position'), `${num(pos.lat, 4)} N, ${num(pos.lon, 4)} Ø ${pos.approximate ? t('site.approx') : ''}`],
          [t('site.municipality'), site.municipality ? `${site.municipality} ${site.municipality_name || ''}`.trim() : ''],
          [t('site.property'), site.property],
          [t('site.description'), site.description],
          [t('site.lab'), site.lab?.length ? site.lab.map(labText).join(', ') : undefined],
          [t('doc.labreport'), labReports(site)],
          [t('site.samples'), site.samples?.length ? h('ul', { class: 'samples' }, site.samples.map((x) => h('li', {}, `${sampleText(x)} – ${x.lab.map(labText).join(', ')}`))) : undefined],
          [t('site.sampling'), samplingText(site)],
          [t('q.templates'), site.class_from_lab?.acceptance ? h('ul', { class: 'verdicts' }, site.class_from_lab.acceptance.map((v) => h('li', { class: `verdict v-${v.verdict}` }, verdictText(v)))) : undefined],
          [t(site.material ? 'site.accepts' : 'fac.accepts'), site.accepts?.length && (site.material || family === 'facilities') ? site.accepts.map((c) => matLabel(c, mats)).join(', ') : undefined],
          [t('site.limits'), site.limits && Object.keys(site.limits).length ? Object.entries(site.limits).map(([k, v]) => `${k} ${num(v, 3)} mg/kg`).join(', ') : undefined],
          [t('site.leaching'), site.leaching_limits && Object.keys(site.leaching_limits).length ? Object.entries(site.leaching_limits).map(([k, v]) => `${k} ${num(v, 3)} mg/kg`).join(', ') : undefined],
          [t('site.acceptance'), site.acceptance ? t(`q.tpl.${site.acceptance}`) : undefined],
          [t('site.range'), site.accepts_class_range ? t('yes') : undefined],
          [t('site.permit'), site.acid_rock_permit],
        ]), actions),
      h('div', { class: 'map-wrap' }, h('div', { id: 'site-map', role: 'region', 'aria-label': t('map.aria') }))));
  const map = createMap(root.querySelector('#site-map'), { center: [pos.lat, pos.lon], zoom: 10 });
  siteMarker(site, mats).addTo(map);

  if (family === 'listings') {
    if (own) root.append(h('p', { class: 'deal-links' }, h('a', { href: `#/avtaler?annonse=${id}` }, t('site.deals')), ' · ', h('a', { href: `#/sporing/${id}` }, t('trace.link'))), mhpButtons([id]));
    else root.append(reserveSection(site));
    root.append(documentsSection(site, own));
    // Questions before a deal (the owner sees every asker's thread).
    if (s && site.status !== 'draft') root.append(await listingMessages(site));
    const sec = h('section', { class: 'matches', 'aria-labelledby': 'matches-h' }, h('h2', { id: 'matches-h' }, t('matches.title')));
    root.append(sec);
    if (!s) sec.append(note('info', t('matches.signin')), h('a', { href: `#/logg-inn?neste=${encodeURIComponent(`#/annonse/${id}`)}` }, t('nav.login')));
    else await showMatches(sec, site, map, mats);
  }
  return () => map.remove();
}

// The drives drawn along the road for the best matches (each is routed
// when asked, GET /api/listings/{id}/route).
const ROUTES_DRAWN = 5;

// The distance and which kind it is: the drive by road (its time and
// ferry part) or the estimate, with why in words (docs/roads.md).
function kmCell(x) {
  if (x.km_source === 'road') {
    // Short lines each (a phone's column stays narrow): the ferry's km, its
    // crossings and what it costs a tonne on lines of their own.
    const ferry = x.ferry_crossings > 0;
    const lines = [t('matches.road'), t(ferry ? 'matches.minutes.ferry' : 'matches.minutes', { min: num(x.minutes, 0) })];
    if (ferry) {
      lines.push(t('matches.ferry', { km: num(x.ferry_km, 1) }),
        x.ferry_crossings === 1 ? t('matches.crossings.one') : t('matches.crossings', { n: num(x.ferry_crossings) }),
        t('matches.ferrycost', { nok: num(x.ferry_nok_per_t, 1) }));
    }
    return h('td', { class: 'n km-road' }, num(x.km, 1), ...lines.map((l) => [h('br'), h('small', {}, l)]).flat());
  }
  const code = x.km_why || 'no_road_database';
  const why = t(`matches.why.${code}`);
  const short = code === 'no_road_database' ? [] : [h('br'), h('small', {}, t(`matches.short.${code}`))];
  return h('td', { class: 'n km-estimate', title: why }, num(x.km, 1), h('br'), h('small', {}, t('matches.estimate')), ...short, h('span', { class: 'sr-only' }, ` ${why}`));
}

async function showMatches(sec, site, map, mats) {
  let r;
  try { r = await api('GET', `/api/listings/${site.id}/matches?limit=20`); } catch (e) { sec.append(note('error', e.message)); return; }
  if (!r.matches.length) sec.append(emptyState('matches', { level: 3, id: site.id, own: getSession()?.user.org_id === site.org_id && site.status !== 'closed' }));
  const from = [site.position.lat, site.position.lon];
  const bounds = L.latLngBounds([from]);
  const alt = r.alternative ? r.matches.find((x) => x.site_id === r.alternative.site_id) : null;
  if (alt) sec.append(h('p', {}, t('matches.alt', { name: alt.title })));
  // Which distances are along the road and why the others are estimates,
  // above the table (a phone shows no title); a drive still being
  // computed offers to update the matches.
  if (r.matches.length) {
    const byRoad = r.matches.filter((x) => x.km_source === 'road').length;
    const whys = [...new Set(r.matches.filter((x) => x.km_source !== 'road').map((x) => x.km_why || 'no_road_database'))];
    const told = byRoad ? [t('matches.kinds', { road: num(byRoad), all: num(r.matches.length) })] : [];
    if (r.matches.some((x) => x.ferry_crossings > 0) && r.factors) told.push(t('matches.ferrynote', { crossing: num(r.factors.ferry_nok_per_t_crossing, 1) }));
    // One short paragraph per point (a phone shows them as lines).
    const p = h('div', { class: 'hint km-kinds' }, [...told, ...whys.map((w) => t(`matches.why.${w}`))].map((x) => h('p', {}, x)));
    if (whys.includes('not_computed')) p.append(h('p', {}, h('button', { type: 'button', class: 'km-refresh', onclick: () => go(location.hash) }, t('matches.refresh'))));
    sec.append(p);
  }
  let drawn = 0;
  const rows = r.matches.map((x, i) => {
    const to = [x.lat, x.lon];
    bounds.extend(to);
    // A straight line first (dashed for an estimate); the best matches by
    // road get their drive drawn instead once it has come.
    const pl = line(from, to, { weight: i === 0 ? 6 : 3, color: i === 0 ? '#1a6e3a' : '#b3401a', cls: `match-line ${x.km_source === 'road' ? 'by-road' : 'estimate'}`, title: `${i + 1}. ${x.title}` }).addTo(map);
    if (x.km_source !== 'road') pl.setStyle({ dashArray: '6 6' });
    else if (drawn++ < ROUTES_DRAWN) drawRoute(map, `listings/${site.id}`, x.site_id, pl);
    const fam = x.type === 'supply' || x.type === 'need' ? 'annonse' : 'anlegg';
    return h('tr', { class: 'match-row' },
      h('td', {}, String(i + 1)),
      h('th', { scope: 'row' }, h('a', { href: `#/${fam}/${x.site_id}` }, x.title), h('br'), h('small', {}, t(`kind.${x.type}`))),
      kmCell(x),
      h('td', { class: 'n' }, num(x.cost_nok_per_t, 1)),
      h('td', { class: 'n' }, num(x.co2_kg_per_t, 2)),
      h('td', { class: 'n' }, num(x.total_nok_per_t, 1)),
      h('td', { class: 'n' }, num(x.overlap_months)),
      h('td', { class: 'n' }, num(x.amount_t)),
      h('td', { class: 'n' }, num(x.saving_nok_per_t, 1)));
  });
  for (const x of r.matches) siteMarker({ id: x.site_id, type: x.type, title: x.title, lat: x.lat, lon: x.lon }, mats).addTo(map);
  if (r.matches.length) {
    sec.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('matches.caption') },
      h('table', { class: 'data matches-table' },
        h('caption', {}, t('matches.caption')),
        h('thead', {}, h('tr', {}, ['matches.rank', 'matches.site', 'matches.km', 'matches.cost', 'matches.co2', 'matches.total', 'matches.months', 'matches.amount', 'matches.saving']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows))));
    map.fitBounds(bounds.pad(0.15));
  }
  if (r.excluded?.length) {
    sec.append(h('details', {}, h('summary', {}, `${t('matches.excluded')} (${r.excluded.length})`),
      h('ul', {}, r.excluded.map((x) => h('li', {}, `${x.title || x.site_id}: ${worded({ message: x.reason, key: x.key, params: x.params })}`)))));
  }
}
