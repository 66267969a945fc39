/*
 * views/deals.js - deals and load tickets (docs/deals.md) in the browser:
 *   reserveSection(site)  the reservation form on another organisation's
 *                         listing (POST /api/listings/ID/deals);
 *   dealsView             #/avtaler: the deals the user's organisation is
 *                         a party of (GET /api/deals);
 *   dealView              #/avtale/ID: one deal, its state buttons, its
 *                         loads with QR codes, the form to register a
 *                         load (hauler) and confirm/dispute (receiver);
 *   ticketView            #/billett/CODE: a ticket as the receiver or a
 *                         roadside inspector sees it after scanning the QR
 *                         code (no sign-in: the code is the key);
 *   traceView             #/sporing/ID: a listing's planned vs actual mass
 *                         balance per month and its chain of custody.
 * The server decides who may do what; a refused step shows its message.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, materialName } from '../i18n.js';
import { api, getSession, materials } from '../api.js';
import { field, summaryBox, showErrors, clearErrors, readNumber } from '../forms.js';
import { go } from '../router.js';
import { exportButtons } from './files.js';
import { dealMessages } from './messages.js';
import { emptyState } from '../empty.js';

const ORDER = ['agreed', 'completed', 'declined', 'cancelled'];
const EURO = ['VI', 'V', 'IV', 'III', 'II', 'I', '0', 'EEV', 'electric', 'hydrogen', 'biogas'];

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'short' });
}

function stateBadge(kind, st) {
  return h('span', { class: `badge ${kind}-${st}` }, t(`${kind}.${st}`));
}

/* An amount in its own unit, with tonnes beside it when the unit is
 * another: "300 fm³ (810 t)", "600 t". */
function amountText(a, tonnes, digits) {
  const own = `${num(a.value, 2)} ${t(`unit.${a.unit}`)}`;
  return a.unit === 't' ? own : `${own} (${num(tonnes, digits)} t)`;
}

/* A table cell with its column's name (data-label): a phone shows the
 * row as a card of labelled cells (style.css, table.cards-on-phone). */
function cell(key, attrs, ...kids) {
  return h('td', { ...attrs, 'data-label': t(key) }, ...kids);
}

/* A truck's engine class in words: "Euro VI", "Elektrisk". */
function euroName(x) {
  return ['electric', 'hydrogen', 'biogas'].includes(x) ? t(`euro.${x}`) : `Euro ${x}`;
}

/* The reservation form under a listing of another organisation. */
export function reserveSection(site) {
  const s = getSession();
  const need = site.type === 'need';
  const sec = h('section', { class: 'card reserve', 'aria-labelledby': 'reserve-h' }, h('h2', { id: 'reserve-h' }, t(need ? 'deal.offer.title' : 'deal.reserve.title')));
  if (site.available_t !== undefined) {
    // In the listing's own unit: tonnes are what the deals count in, but a
    // need listed in fm3 reads in fm3 (same material, same ratio).
    const unit = site.amount?.unit || 't';
    const total = site.available_t + site.committed_t; // the listing's amount in tonnes
    const per = unit !== 't' && total > 0 && site.amount?.value > 0 ? site.amount.value / total : 1;
    const u = per === 1 ? 't' : unit;
    sec.append(h('p', { class: 'amounts' }, t(need ? 'deal.amounts.need' : 'deal.amounts', {
      available: num(site.available_t * per), remaining: num(site.remaining_t * per), committed: num(site.committed_t * per), unit: t(`unit.${u}`),
    })));
  }
  if (!s) { sec.append(note('info', t('deal.signin'))); return sec; }
  if (s.user.org_id === site.org_id) return sec;
  // Reserving is writing listings' business (the API's rule): a hauler or
  // a municipality is told so instead of offered a form the API refuses.
  if (!s.may?.write_listings) { sec.append(note('info', t(s.user.role === 'hauler' ? 'deal.role.hauler' : 'deal.role'))); return sec; }
  if (site.status !== 'published') { sec.append(note('info', t('deal.notopen'))); return sec; }
  const form = h('form', { class: 'reserve-form', novalidate: true },
    summaryBox(),
    h('div', { class: 'row' },
      field({ label: t('deal.amount'), name: 'amount.value', type: 'number', attrs: { required: true, min: 0, step: 'any', inputmode: 'decimal' } }),
      field({ label: t('form.unit'), name: 'amount.unit', value: site.amount?.unit || 't', options: [['t', t('unit.t')], ['fm3', t('unit.fm3')], ['lm3', t('unit.lm3')]] })),
    h('div', { class: 'row' },
      field({ label: t('plan.from'), name: 'window.from', type: 'month', value: site.window?.from }),
      field({ label: t('plan.to'), name: 'window.to', type: 'month', value: site.window?.to }),
      field({ label: t('deal.price'), name: 'price_nok_per_t', type: 'number', value: site.price_nok_per_t, attrs: { step: 'any', inputmode: 'decimal' } })),
    h('div', { class: 'row' },
      field({ label: t('deal.counterpart'), name: 'counterpart_site', value: '', options: [['', t('party.none')]], hint: t('deal.counterpart.hint') }),
      field({ label: t('deal.hauler'), name: 'hauler_org', value: '', options: [['', t('party.none')]], hint: t('deal.hauler.hint') }),
      field({ label: t('deal.use'), name: 'use', value: '', options: [['', '–'], ['reuse', t('dest.reuse')], ['soil_improvement', t('dest.soil_improvement')]] })),
    field({ label: t('deal.note'), name: 'note', type: 'textarea', attrs: { maxlength: 500 } }),
    h('button', { type: 'submit', class: 'primary' }, t(need ? 'deal.offer' : 'deal.reserve')));
  // Pick by name: the hauliers registered in the market, and our own sites.
  fillOptions(form.querySelector('[data-field="hauler_org"]'), api('GET', '/api/organisations?role=hauler')
    .then((r) => r.organisations.map((o) => [o.id, o.name])));
  const mine = `org=${s.user.org_id}&status=draft,published,reserved&per_page=100`;
  fillOptions(form.querySelector('[data-field="counterpart_site"]'), Promise.all([
    api('GET', `/api/listings?${mine}`), api('GET', `/api/facilities?${mine}`),
  ]).then(([a, b]) => [...a.items, ...b.items].filter((x) => x.id !== site.id)
    .map((x) => [x.id, `${x.title || x.name} (${t(`kind.${x.type}`)})`])));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const probs = [];
    const body = { amount: { value: readNumber(form, 'amount.value', probs, { required: true }), unit: String(fd.get('amount.unit')) } };
    const price = readNumber(form, 'price_nok_per_t', probs);
    const from = String(fd.get('window.from')); const to = String(fd.get('window.to'));
    if (from || to) body.window = { from, to };
    if (from && to && to < from) probs.push({ field: 'window.to', message: t('check.reversed') });
    if (price !== undefined) body.price_nok_per_t = price;
    for (const k of ['counterpart_site', 'hauler_org']) {
      const v = String(fd.get(k) ?? '').trim();
      if (v) body[k] = Number(v);
    }
    if (fd.get('use')) body.use = String(fd.get('use'));
    if (String(fd.get('note')).trim()) body.note = String(fd.get('note')).trim();
    if (probs.length) { showErrors(form, probs); return; }
    try {
      const r = await api('POST', `/api/listings/${site.id}/deals`, body);
      announce(t('deal.reserved.msg'));
      go(`#/avtale/${r.id}`);
    } catch (e) { showErrors(form, e.problems); }
  });
  sec.append(form);
  return sec;
}

/* Add [value, label] options to a select once they arrive. */
async function fillOptions(sel, promise) {
  try {
    const opts = await promise;
    sel.append(...opts.map(([v, label]) => h('option', { value: v }, label)));
  } catch (e) { /* the field stays with "none": the reservation works without it */ }
}

/* One party of a deal: its role, name, number and published contact. */
function partyCard(role, p, myOrg) {
  if (!p) return null;
  const c = p.contact;
  return h('div', { class: `party party-${role}` },
    h('h3', {}, t(`party.${role}`)),
    h('p', { class: 'party-name' }, p.name, p.id === myOrg ? ` ${t('party.you')}` : ''),
    p.orgnr ? h('p', { class: 'party-orgnr' }, t('party.orgnr', { orgnr: p.orgnr })) : null,
    c ? h('ul', { class: 'party-contact' },
      c.name ? h('li', {}, c.name) : null,
      c.phone ? h('li', {}, h('a', { href: `tel:${c.phone.replace(/\s/g, '')}`, 'aria-label': t('party.call', { name: c.name || p.name }) }, c.phone)) : null,
      c.email ? h('li', {}, h('a', { href: `mailto:${c.email}`, 'aria-label': t('party.mail', { name: c.name || p.name }) }, c.email)) : null)
      : h('p', { class: 'hint' }, t('party.nocontact')));
}

export function partiesSection(parties, myOrg) {
  if (!parties) return null;
  return h('section', { class: 'card parties', 'aria-labelledby': 'parties-h' },
    h('h2', { id: 'parties-h' }, t('party.title')),
    h('div', { class: 'party-grid' }, ['owner', 'reserver', 'hauler', 'site_owner'].map((k) => partyCard(k, parties[k], myOrg))));
}

/* The other side of a deal, by name, for the list. */
function counterpartName(d, myOrg) {
  const p = d.parties;
  if (!p) return '';
  const other = p.owner?.id === myOrg ? p.reserver : p.owner;
  return other?.name || '';
}

export async function dealsView({ root, query }) {
  root.append(h('h1', {}, t('deals.title')));
  if (!getSession()) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Favtaler' }, t('nav.login'))); return; }
  const listing = query.get('annonse');
  let r;
  try { r = await api('GET', `/api/deals${listing ? `?listing=${encodeURIComponent(listing)}` : ''}`); } catch (e) { root.append(note('error', e.message)); return; }
  if (!r.items.length) { root.append(emptyState('deals')); return; }
  root.append(exportButtons(t('files.export.loads'), '/api/exports/deliveries', ['csv', 'xlsx', 'geojson']));
  root.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('deals.title') },
    h('table', { class: 'data deals-table cards-on-phone' },
      h('caption', {}, t('deals.caption')),
      h('thead', {}, h('tr', {}, ['deal.no', 'deal.listing', 'party.counterpart', 'deal.state', 'deal.amount.t', 'deal.window', 'deal.updated'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, r.items.map((d) => h('tr', { class: 'deal-row' },
          h('th', { scope: 'row', 'data-label': t('deal.no') }, h('a', { href: `#/avtale/${d.id}` }, t('deal.title', { id: d.id }))),
          cell('deal.listing', {}, h('a', { href: `#/annonse/${d.listing_id}` }, d.listing_title || d.listing?.title || `#${d.listing_id}`)),
          cell('party.counterpart', { class: 'counterpart' }, counterpartName(d, getSession()?.user.org_id)),
          cell('deal.state', {}, stateBadge('deal', d.state)),
          cell('deal.amount.t', { class: 'n' }, num(d.amount_t)),
          cell('deal.window', {}, `${d.window.from} – ${d.window.to}`),
          cell('deal.updated', {}, when(d.updated))))))));
}

export async function dealView({ root, params, query }) {
  const id = Number(params.id);
  const s = getSession();
  if (!s) { root.append(h('h1', {}, t('deal.title', { id })), note('info', t('login.required'))); return; }
  let d; let loads;
  try {
    [d, loads] = await Promise.all([api('GET', `/api/deals/${id}`), api('GET', `/api/deals/${id}/deliveries`)]);
  } catch (e) {
    root.append(h('h1', {}, t('deal.title', { id })), note('error', e.status === 404 ? t('error.notfound') : e.message));
    return;
  }
  const msg = h('div', { 'aria-live': 'polite' });
  const reload = () => go(`#/avtale/${id}?t=${Date.now()}`);
  async function move(to) {
    try {
      await api('POST', `/api/deals/${id}/state`, { state: to }, { ifMatch: d.version });
      announce(t('deal.moved', { state: t(`deal.${to}`) }));
      reload();
    } catch (e) { replace(msg, note('error', e.message)); }
  }
  // Only the steps the API lets this caller take (the deal's "may").
  const buttons = ORDER.filter((to) => d.may?.move_to?.includes(to)).map((to) => h('button', { type: 'button', class: to === 'agreed' || to === 'completed' ? 'primary' : 'secondary', 'data-state': to, onclick: () => move(to) }, t(`deal.do.${to}`)));
  const la = d.listing_amounts || {};
  root.append(h('h1', {}, t('deal.title', { id })), msg,
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('deal.listing')), h('dd', {}, h('a', { href: `#/annonse/${d.listing.id}` }, d.listing.title)),
        h('dt', {}, t('deal.state')), h('dd', { class: 'deal-state' }, stateBadge('deal', d.state)),
        h('dt', {}, t('deal.amount')), h('dd', {}, amountText(d.amount, d.amount_t, 1)),
        h('dt', {}, t('deal.price')), h('dd', {}, `${num(d.price_nok_per_t, 2)} kr/t`),
        h('dt', {}, t('deal.window')), h('dd', {}, `${d.window.from} – ${d.window.to}`),
        d.use ? [h('dt', {}, t('deal.use')), h('dd', {}, t(`dest.${d.use}`))] : null,
        d.note ? [h('dt', {}, t('deal.note')), h('dd', {}, d.note)] : null,
        h('dt', {}, t('deal.loads')), h('dd', { class: 'deal-loads' }, t('deal.loads.sum', { n: d.loads?.count ?? 0, confirmed: num(d.loads?.confirmed_t ?? 0, 1), pending: num(d.loads?.pending_t ?? 0, 1), disputed: num(d.loads?.disputed_t ?? 0, 1) })),
        la.remaining_t !== undefined ? [h('dt', {}, t('deal.listing.left')), h('dd', {}, t('deal.amounts', { available: num(la.available_t), remaining: num(la.remaining_t), committed: num(la.committed_t), unit: 't' }))] : null),
      buttons.length ? h('div', { class: 'buttons' }, buttons) : null,
      h('p', {}, h('a', { href: `#/sporing/${d.listing.id}` }, t('trace.link')))),
    partiesSection(d.parties, s.user.org_id));

  const sec = h('section', { 'aria-labelledby': 'loads-h' }, h('h2', { id: 'loads-h' }, t('loads.title')));
  root.append(sec);
  if (loads.missing_seq?.length) sec.append(note('error', t('loads.missing', { seq: loads.missing_seq.join(', ') })));
  const fresh = loads.items.find((v) => String(v.id) === query?.get('registrert'));
  if (fresh) {
    const done = h('p', { class: 'note note-ok load-done', role: 'status', tabindex: '-1' },
      t('loads.registered', { seq: fresh.seq }), ' ',
      fresh.code ? h('a', { href: `/t/${fresh.code}`, class: 'ticket-link' }, t('loads.registered.open')) : null);
    sec.append(done);
    requestAnimationFrame(() => { done.scrollIntoView({ block: 'center' }); done.focus(); });
  }
  if (!loads.items.length) sec.append(emptyState('loads', { level: 3 }));
  else {
    sec.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('loads.title') },
      h('table', { class: 'data loads-table cards-on-phone' },
        h('caption', {}, t('loads.caption')),
        h('thead', {}, h('tr', {}, ['loads.seq', 'loads.at', 'loads.truck', 'loads.euro', 'loads.t', 'loads.state', 'loads.ticket', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('loads.actions')))))),
        h('tbody', {}, loads.items.map((v) => loadRow(v, msg, reload))))));
  }
  if (d.may?.register_loads) {
    const lf = loadForm(d, loads, reload);
    sec.append(lf);
    // From "Registrer lass" on the hauler's jobs: straight to the form.
    if (query?.get('lass')) { lf.scrollIntoView({ block: 'start' }); lf.querySelector('[data-field="truck"]')?.focus(); }
  }
  root.append(await dealMessages(d));
}

/* Ask why a load is disputed in a modal dialog with a labelled text
 * field (the reason is required); resolves to the text, or null when the
 * receiver cancels. */
function askReason(seq) {
  return new Promise((resolve) => {
    const text = h('textarea', { id: 'dispute-reason', rows: 3, maxlength: 500, required: true, 'aria-describedby': 'dispute-err' });
    const err = h('p', { class: 'field-error', id: 'dispute-err' });
    const dlg = h('dialog', { class: 'card dispute-dialog', 'aria-labelledby': 'dispute-h' },
      h('form', { method: 'dialog', novalidate: true },
        h('h2', { id: 'dispute-h' }, t('loads.dispute.title', { seq })),
        h('div', { class: 'field' }, h('label', { for: 'dispute-reason' }, t('loads.reason')), text, err),
        h('div', { class: 'buttons' },
          h('button', { type: 'submit', class: 'primary', value: 'ok' }, t('loads.dispute')),
          h('button', { type: 'submit', class: 'secondary', value: 'cancel', formnovalidate: true }, t('loads.dispute.cancel')))));
    dlg.querySelector('form').addEventListener('submit', (ev) => {
      if (ev.submitter?.value === 'ok' && !text.value.trim()) {
        ev.preventDefault();
        err.textContent = t('check.required');
        text.setAttribute('aria-invalid', 'true');
        text.focus();
      }
    });
    dlg.addEventListener('close', () => {
      const reason = dlg.returnValue === 'ok' ? text.value.trim() : '';
      dlg.remove();
      resolve(reason || null);
    });
    document.body.append(dlg);
    dlg.showModal();
    text.focus();
  });
}

function loadRow(v, msg, reload) {
  async function decide(state) {
    const body = { state };
    if (state === 'disputed') {
      const reason = await askReason(v.seq);
      if (!reason) return;
      body.reason = reason;
    }
    try {
      await api('POST', `/api/deliveries/${v.id}/state`, body);
      announce(t(`loads.${state}`));
      reload();
    } catch (e) { replace(msg, note('error', e.message)); }
  }
  const s = getSession();
  const receiver = s && (s.user.org_id === v.receiver_org || s.user.role === 'admin');
  const actions = v.state === 'registered' && receiver ? [
    h('button', { type: 'button', class: 'primary small', 'data-action': 'confirm', onclick: () => decide('confirmed') }, t('loads.confirm')),
    h('button', { type: 'button', class: 'secondary small', 'data-action': 'dispute', onclick: () => decide('disputed') }, t('loads.dispute'))] : [];
  const qr = h('span', { class: 'qr' });
  showQr(qr, v);
  // data-label: on a phone each load is a card whose cells name themselves
  // (style.css), so no column is off-screen.
  return h('tr', { class: `load-row load-${v.state}` },
    h('th', { scope: 'row', 'data-label': t('loads.seq') }, String(v.seq)),
    cell('loads.at', {}, when(v.at)),
    cell('loads.truck', {}, v.truck),
    cell('loads.euro', {}, euroName(v.euro_class)),
    cell('loads.t', { class: 'n' }, num(v.amount_t, 2)),
    cell('loads.state', {}, stateBadge('load', v.state), v.reason ? h('small', {}, ` ${v.reason}`) : null, v.replaces ? h('small', {}, ` ${t('loads.replaces', { id: v.replaces })}`) : null),
    cell('loads.ticket', {}, v.code ? h('a', { href: `/t/${v.code}`, class: 'ticket-link' }, t('loads.open')) : '', qr),
    h('td', { class: actions.length ? 'load-actions' : 'load-actions empty-cell' }, actions));
}

/* The QR code needs the bearer token, so it is fetched and shown as an image. */
async function showQr(el, v) {
  try {
    const s = getSession();
    const res = await fetch(`/api/deliveries/${v.id}/qr.svg`, { headers: s?.token ? { Authorization: `Bearer ${s.token}` } : {} });
    if (!res.ok) return;
    const url = URL.createObjectURL(await res.blob());
    el.append(h('img', { src: url, width: 96, height: 96, class: 'qr-img', alt: t('loads.qr', { seq: v.seq }) }));
  } catch { /* no QR: the link above still opens the ticket */ }
}

function loadForm(d, loads, reload) {
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const disputed = loads.items.filter((v) => v.state === 'disputed' && !loads.items.some((w) => w.replaces === v.id));
  const form = h('form', { class: 'card load-form', novalidate: true },
    h('h3', {}, t('loads.register')),
    summaryBox(),
    h('div', { class: 'row' },
      field({ label: t('loads.truck'), name: 'truck', attrs: { required: true, maxlength: 16, autocomplete: 'off' } }),
      field({ label: t('loads.euro'), name: 'euro_class', value: 'VI', options: EURO.map((x) => [x, euroName(x)]) })),
    h('div', { class: 'row' },
      field({ label: t('loads.amount'), name: 'amount.value', type: 'number', attrs: { required: true, min: 0, step: 'any', inputmode: 'decimal' } }),
      field({ label: t('form.unit'), name: 'amount.unit', value: 't', options: [['t', t('unit.t')], ['fm3', t('unit.fm3')], ['lm3', t('unit.lm3')]] }),
      field({ label: t('loads.at'), name: 'at', type: 'datetime-local', value: now, attrs: { required: true } })),
    disputed.length ? field({ label: t('loads.replaces.label'), name: 'replaces', value: '', options: [['', '–'], ...disputed.map((v) => [v.id, `${t('loads.seq')} ${v.seq}: ${num(v.amount_t, 2)} t`])] }) : null,
    h('button', { type: 'submit', class: 'primary' }, t('loads.register.do')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const probs = [];
    if (!String(fd.get('truck')).trim()) probs.push({ field: 'truck', message: t('check.required') });
    const amount = readNumber(form, 'amount.value', probs, { required: true });
    if (!fd.get('at')) probs.push({ field: 'at', message: t('check.required') });
    if (probs.length) { showErrors(form, probs); return; }
    const body = {
      truck: String(fd.get('truck')).trim(), euro_class: String(fd.get('euro_class')),
      amount: { value: amount, unit: String(fd.get('amount.unit')) },
      at: new Date(String(fd.get('at'))).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (fd.get('replaces')) body.replaces = Number(fd.get('replaces'));
    try {
      const r = await api('POST', `/api/deals/${d.id}/deliveries`, body);
      announce(t('loads.registered', { seq: r.seq }));
      // Back to the deal with the new load named: it says so on the page,
      // with its ticket one tap away.
      go(`#/avtale/${d.id}?registrert=${r.id}`);
    } catch (e) { showErrors(form, e.problems); }
  });
  return form;
}

export async function ticketView({ root, params }) {
  const mats = await materials().catch(() => []);
  let v;
  try { v = await api('GET', `/api/tickets/${encodeURIComponent(params.code)}`); } catch (e) {
    root.append(h('h1', {}, t('ticket.title')), note('error', e.status === 404 ? t('ticket.unknown') : e.message));
    return;
  }
  root.append(h('h1', {}, t('ticket.title')),
    h('p', { class: `ticket-state ticket-${v.state}` }, stateBadge('load', v.state), ' ', t(`ticket.${v.state}`)),
    h('section', { class: 'card ticket' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('ticket.no')), h('dd', {}, t('ticket.no.value', { deal: v.deal_id, seq: v.seq })),
        h('dt', {}, t('loads.truck')), h('dd', { class: 'ticket-truck' }, `${v.truck} (${euroName(v.euro_class)})`),
        h('dt', {}, t('loads.amount')), h('dd', {}, amountText(v.amount, v.amount_t, 2)),
        h('dt', {}, t('site.material')), h('dd', { class: 'ticket-material' }, materialName(mats.find((m) => m.code === v.listing?.material)) || v.listing?.material || ''),
        h('dt', {}, t('loads.at')), h('dd', {}, when(v.at)),
        v.listing?.class ? [h('dt', {}, t('ticket.class')), h('dd', { class: 'ticket-class' }, t(v.listing.type === 'need' ? 'ticket.class.max' : 'ticket.class.value', { n: v.listing.class }))] : null,
        h('dt', {}, t('ticket.from')), h('dd', { class: 'ticket-from' }, v.from?.title || (v.listing?.type === 'need' ? v.parties?.reserver?.name : v.listing?.title || v.parties?.owner?.name) || '–'),
        // Without a named site the masses go to the taking party: the
        // reserver of a surplus, the owner of a need.
        h('dt', {}, t('ticket.to')), h('dd', { class: 'ticket-to' }, v.to?.title || (v.listing?.type === 'need' ? v.listing?.title || v.parties?.owner?.name : v.parties?.reserver?.name) || '–'),
        v.parties?.hauler?.name ? [h('dt', {}, t('ticket.hauler')), h('dd', { class: 'ticket-hauler' }, v.parties.hauler.name)] : null,
        v.reason ? [h('dt', {}, t('ticket.reason')), h('dd', {}, v.reason)] : null,
        h('dt', {}, t('ticket.deal')), h('dd', {}, t(`deal.${v.deal_state}`))),
      // The QR of this very page, for the next check at the roadside.
      h('img', { class: 'ticket-qr', src: `/api/tickets/${encodeURIComponent(params.code)}/qr.svg`, width: 160, height: 160, alt: t('loads.qr', { seq: v.seq }) })));
}

export async function traceView({ root, params }) {
  const id = Number(params.id);
  root.append(h('h1', {}, t('trace.title')));
  if (!getSession()) { root.append(note('info', t('login.required'))); return; }
  let bal; let cus;
  try {
    [bal, cus] = await Promise.all([api('GET', `/api/listings/${id}/balance`).catch((e) => ({ error: e })), api('GET', `/api/listings/${id}/custody`)]);
  } catch (e) { root.append(note('error', e.status === 404 ? t('error.notfound') : e.message)); return; }
  root.append(h('p', {}, h('a', { href: `#/annonse/${id}` }, cus.title || `#${id}`)));
  if (bal && !bal.error) {
    const tot = bal.totals || {};
    root.append(h('section', { 'aria-labelledby': 'bal-h' }, h('h2', { id: 'bal-h' }, t('trace.balance')),
      h('p', { class: 'balance-sum' }, t('trace.balance.sum', { planned: num(tot.planned_t, 1), confirmed: num(tot.confirmed_t, 1), disputed: num(tot.disputed_t, 1), open: num(tot.open_t, 1) })),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('trace.balance') },
        h('table', { class: 'data balance-table' },
          h('caption', {}, t('trace.balance')),
          h('thead', {}, h('tr', {}, ['plan.month', 'trace.planned', 'trace.confirmed', 'trace.pending', 'trace.diff', 'trace.cum'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, (bal.months || []).map((m) => h('tr', {}, h('th', { scope: 'row' }, m.month),
            h('td', { class: 'n' }, num(m.planned_t, 1)), h('td', { class: 'n' }, num(m.confirmed_t, 1)), h('td', { class: 'n' }, num(m.pending_t, 1)),
            h('td', { class: 'n' }, num(m.difference_t, 1)), h('td', { class: 'n' }, num(m.cumulative_difference_t, 1)))))))));
  }
  const loads = cus.loads || [];
  const dests = new Map((cus.destinations || []).filter((x) => x.site).map((x) => [x.site.id, x.site.title]));
  if (cus.destinations?.length) {
    root.append(h('section', { 'aria-labelledby': 'dest-h' }, h('h2', { id: 'dest-h' }, t('trace.destinations')),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('trace.destinations') },
        h('table', { class: 'data dest-table' },
          h('caption', {}, t('trace.destinations')),
          h('thead', {}, h('tr', {}, ['ticket.to', 'trace.loads', 'trace.confirmed', 'trace.disputed', 'trace.pending'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, cus.destinations.map((x) => h('tr', {}, h('th', { scope: 'row' }, x.site?.title || '–'),
            h('td', { class: 'n' }, num(x.loads)), h('td', { class: 'n' }, num(x.confirmed_t, 1)), h('td', { class: 'n' }, num(x.disputed_t, 1)), h('td', { class: 'n' }, num(x.pending_t, 1))))))),
        cus.destinations.filter((x) => x.onward && x.onward.sent_t > 0).map((x) => h('p', { class: 'onward' },
          t('trace.onward', {
            site: x.site?.title || '', received: num(x.onward.received_t, 1), sent: num(x.onward.sent_t, 1),
            share: num(x.onward.share * 100, 0), attributed: num(x.onward.attributed_t, 1),
            to: x.onward.to.map((y) => `${y.site?.title || '–'} (${num(y.attributed_t, 1)} t)`).join(', '),
          }))),
        h('p', { class: 'hint' }, t('trace.onward.note'))));
  }
  root.append(h('section', { 'aria-labelledby': 'cus-h' }, h('h2', { id: 'cus-h' }, t('trace.custody')),
    loads.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('trace.custody') },
      h('table', { class: 'data custody-table' },
        h('caption', {}, t('trace.custody')),
        h('thead', {}, h('tr', {}, ['ticket.no', 'loads.at', 'loads.truck', 'loads.t', 'ticket.to', 'loads.state'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, loads.map((l) => h('tr', {},
          h('th', { scope: 'row' }, t('ticket.no.value', { deal: l.deal_id, seq: l.seq })),
          h('td', {}, when(l.at)), h('td', {}, l.truck), h('td', { class: 'n' }, num(l.amount_t, 2)),
          h('td', {}, dests.get(l.to_site) || '–'), h('td', {}, stateBadge('load', l.state))))))) : note('info', t('loads.none'))));
}
