/*
 * views/alerts.js - alerts (#/varsler): the listings and facilities that
 * fit one of my saved searches or one of my organisation's listings
 * (GET /api/notifications, newest first, unread marked), my saved
 * searches with a form to add one (POST /api/saved-searches: kinds,
 * material, class, near one of my sites, months, how to be mailed), how
 * matches are mailed (PUT /api/alert-settings); and the page an
 * unsubscribe link in a mail opens (#/avmeld/TOKEN), which asks before it
 * stops the mail. Above them, the suggestions regional plans make to the
 * organisation (GET /api/suggestions), each turned into a reservation or
 * dismissed with one button. alertBadge() keeps the unread count (and
 * the open suggestions) in the menu.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, materialName, getLang, monthSpan } from '../i18n.js';
import { api, fetchAll, getSession, materials } from '../api.js';
import { render } from '../router.js';
import { parseNumber } from '../numbers.js';
import { field, clearErrors, showErrors, summaryBox } from '../forms.js';
import { emptyState } from '../empty.js';

const KINDS = ['supply', 'need', 'landfill', 'storage', 'plant', 'quarry'];
const GROUPS = ['rock', 'soil', 'recycled', 'product'];
const MAIL = ['none', 'instant', 'daily'];

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(getLang() === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

function siteHref(s) {
  return ['supply', 'need'].includes(s.type) ? `#/annonse/${s.id}` : `#/anlegg/${s.id}`;
}

/* One line of what a site is: kind, material, class, amount, municipality. */
function siteLine(s, mats) {
  const m = mats.find((x) => x.code === s.material);
  const parts = [t(`kind.${s.type}`)];
  if (s.material) parts.push(materialName(m) || s.material);
  if (s.class) parts.push(t('alerts.class', { n: s.class }));
  else if (s.max_class) parts.push(t('alerts.maxclass', { n: s.max_class }));
  if (s.amount?.value !== undefined) parts.push(`${num(s.amount.value)} ${s.amount.unit}`);
  if (s.municipality_name) parts.push(s.municipality_name);
  return parts.join(' · ');
}

function reasonText(r) {
  if (r.kind === 'search') return t('alerts.why.search', { name: r.search.name });
  return t(r.for_listing.facility ? 'alerts.why.facility' : 'alerts.why.match', { title: r.for_listing.title });
}

/* One site that fits, with every reason; opening it marks it read. */
function noteItem(n, mats) {
  const link = h('a', { href: siteHref(n.site) }, n.site.title || n.site.name || `#${n.site.id}`);
  link.addEventListener('click', () => {
    if (!n.read) api('POST', '/api/notifications/read', { ids: n.ids }).catch(() => {});
  });
  return h('li', { class: n.read ? 'alert-item' : 'alert-item unread' },
    n.reasons.map((r) => h('p', { class: 'alert-why' }, reasonText(r))),
    h('p', { class: 'alert-title' }, link,
      n.read ? null : h('span', { class: 'badge unread-badge' }, t('alerts.new')),
      n.changed ? h('span', { class: 'badge' }, t('alerts.changed')) : null),
    h('p', { class: 'hint' }, `${siteLine(n.site, mats)} · ${when(n.updated)}`));
}

/* One suggestion from a regional plan, worded from the reader's side,
 * with the estimated saving and the one-step reservation. */
function suggestionItem(g, mats, msg) {
  const m = mats.find((x) => x.code === g.material);
  const vars = {
    plan: g.plan.name || t('sug.unnamed', { id: g.plan.id }), by: g.plan.by,
    t: num(g.tonnes), supply: g.supply.title, need: g.need.title, months: monthSpan(g.window.from, g.window.to),
    org: g.side === 'supply' ? g.need.org.name : g.supply.org.name, sorg: g.supply.org.name, norg: g.need.org.name,
  };
  const text = t(g.side === 'supply' ? 'sug.supply' : g.side === 'need' ? 'sug.need' : 'sug.other', vars);
  const li = h('li', { class: 'suggestion-item', 'data-suggestion': String(g.id) },
    h('p', { class: 'suggestion-text' }, text),
    h('p', { class: 'hint' }, materialName(m) || g.material),
    h('p', { class: 'suggestion-saving' }, h('strong', {}, t('sug.saving', { co2: num(g.saving_co2_kg / 1000, 1) })),
      ' ', h('span', { class: 'badge' }, t('sug.estimate'))),
    h('p', { class: 'hint' }, t('sug.detail', { km: num(g.km, 1), flow: num(g.co2_kg / 1000, 1), base: num(g.baseline_co2_kg / 1000, 1) })),
    h('p', { class: 'hint' }, h('a', { href: `#/annonse/${g.supply.id}` }, g.supply.title), ' → ', h('a', { href: `#/annonse/${g.need.id}` }, g.need.title)));
  if (g.state === 'accepted' && g.deal_id) {
    li.append(h('p', {}, h('span', { class: 'badge' }, t('sug.state.accepted')), ' ', h('a', { href: `#/avtale/${g.deal_id}` }, t('sug.deal'))));
  } else if (g.side) {
    const accept = h('button', { type: 'button', class: 'primary' }, t(g.side === 'need' ? 'sug.accept.need' : 'sug.accept.supply'));
    const dismiss = h('button', { type: 'button', class: 'secondary' }, t('sug.dismiss'));
    accept.addEventListener('click', async () => {
      accept.disabled = true; dismiss.disabled = true;
      try {
        const r = await api('POST', `/api/suggestions/${g.id}/accept`, {});
        announce(t('sug.accepted'));
        location.hash = `#/avtale/${r.deal.id}`;
      } catch (e) { accept.disabled = false; dismiss.disabled = false; replace(msg, note('error', e.message)); }
    });
    dismiss.addEventListener('click', async () => {
      try { await api('POST', `/api/suggestions/${g.id}/dismiss`, {}); announce(t('sug.dismissed')); render(); } catch (e) { replace(msg, note('error', e.message)); }
    });
    li.append(h('div', { class: 'actions' }, accept, dismiss));
  }
  return li;
}

function suggestionsSection(sugs, mats, msg) {
  const sec = h('section', { class: 'card suggestions', 'aria-labelledby': 'sug-h' },
    h('h2', { id: 'sug-h' }, t('sug.title')), h('p', { class: 'hint' }, t('sug.intro')));
  if (!sugs.items.length) sec.append(note('info', t('sug.none')));
  else sec.append(h('ul', { class: 'suggestions-list' }, sugs.items.map((g) => suggestionItem(g, mats, msg))));
  return sec;
}

function searchSummary(q, mats) {
  const parts = [q.types.map((k) => t(`kind.${k}`)).join(', ')];
  if (q.material) {
    const g = q.material.endsWith('.*') ? q.material.slice(0, -2) : null;
    parts.push(g ? t(`group.${g}`) : (materialName(mats.find((m) => m.code === q.material)) || q.material));
  }
  if (q.class) parts.push(t('alerts.upto', { n: q.class }));
  if (q.near) parts.push(t('alerts.within', { km: num(q.near.radius_km, 1) }));
  if (q.window) parts.push(`${q.window.from || '…'}–${q.window.to || '…'}`);
  parts.push(t(`alerts.mail.${q.email}`));
  return parts.join(' · ');
}

function searchForm(mats, mySites, onSaved) {
  const form = h('form', { class: 'card saved-search-form', novalidate: true, 'aria-labelledby': 'ss-h' },
    h('h2', { id: 'ss-h' }, t('alerts.form.title')), summaryBox());
  const name = field({ label: t('alerts.form.name'), name: 'name', hint: t('alerts.form.name.hint'), attrs: { maxlength: 120, autocomplete: 'off' } });
  const kinds = h('fieldset', { class: 'group' }, h('legend', {}, t('alerts.form.kinds')),
    h('p', { class: 'field-error', 'data-error-for': 'types' }),
    KINDS.map((k) => {
      const id = `ss-kind-${k}`;
      const box = h('input', { type: 'checkbox', id, value: k, checked: k === 'supply' });
      if (k === 'supply') box.dataset.field = 'types';
      return h('div', { class: 'check' }, box, h('label', { for: id }, t(`kind.${k}`)));
    }));
  const matOpts = [['', t('alerts.form.anymat')],
    ...GROUPS.map((g) => [`${g}.*`, t('alerts.group', { g: t(`group.${g}`) })]),
    ...mats.map((m) => [m.code, materialName(m)])];
  const mat = field({ label: t('site.material'), name: 'material', options: matOpts, value: '' });
  const cls = field({ label: t('alerts.form.class'), name: 'class', hint: t('alerts.form.class.hint'),
    options: [['', t('alerts.form.anyclass')], ...[1, 2, 3, 4, 5].map((n) => [String(n), String(n)])], value: '' });
  const near = field({ label: t('alerts.form.near'), name: 'near.site_id',
    options: [['', t('alerts.form.anywhere')], ...mySites.map((s) => [String(s.id), s.title || s.name])], value: '' });
  const radius = field({ label: t('alerts.form.radius'), name: 'near.radius_km', value: '15', attrs: { inputmode: 'decimal', autocomplete: 'off' } });
  const from = field({ label: t('alerts.form.from'), name: 'window.from', type: 'month', hint: t('alerts.form.month.hint') });
  const to = field({ label: t('alerts.form.to'), name: 'window.to', type: 'month' });
  const mail = field({ label: t('alerts.form.mail'), name: 'email', options: MAIL.map((m) => [m, t(`alerts.mail.${m}`)]), value: 'daily' });
  form.append(name, kinds, mat, cls, h('div', { class: 'row' }, near, radius), h('div', { class: 'row' }, from, to), mail,
    h('button', { type: 'submit' }, t('alerts.form.save')));
  const val = (f) => f.querySelector('input, select').value.trim();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { name: val(name), types: [...kinds.querySelectorAll('input:checked')].map((x) => x.value), email: val(mail) };
    if (val(mat)) body.material = val(mat);
    if (val(cls)) body.class = Number(val(cls));
    const probs = [];
    if (val(near)) {
      const km = parseNumber(val(radius)).value;
      if (!Number.isFinite(km) || km <= 0) probs.push({ field: 'near.radius_km', message: t('alerts.form.radius.bad') });
      body.near = { site_id: Number(val(near)), radius_km: km };
    }
    if (val(from) || val(to)) {
      body.window = {};
      if (val(from)) body.window.from = val(from);
      if (val(to)) body.window.to = val(to);
    }
    if (!body.name) probs.push({ field: 'name', message: t('check.required') });
    if (!body.types.length) probs.push({ field: 'types', message: t('alerts.form.kinds.none') });
    if (probs.length) { showErrors(form, probs); return; }
    try {
      await api('POST', '/api/saved-searches', body);
      announce(t('alerts.saved'));
      onSaved();
    } catch (e) { showErrors(form, e.problems); }
  });
  return form;
}

export async function alertsView({ root }) {
  root.append(h('h1', {}, t('alerts.title')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Fvarsler' }, t('nav.login'))); return; }
  const msg = h('div', { 'aria-live': 'polite' });
  root.append(h('p', { class: 'hint' }, t('alerts.intro')), msg);
  let notes; let searches; let mats; let mySites; let sugs;
  try {
    [notes, searches, mats, mySites, sugs] = await Promise.all([
      api('GET', '/api/notifications'), api('GET', '/api/saved-searches'), materials(),
      fetchAll('/api/listings', { org: String(s.user.org_id), status: 'draft,published,reserved' }).catch(() => []),
      api('GET', '/api/suggestions'),
    ]);
  } catch (e) { root.append(note('error', e.message)); return; }

  const list = h('section', { class: 'card', 'aria-labelledby': 'al-h' }, h('h2', { id: 'al-h' }, t('alerts.list.title')));
  const sform = searchForm(mats, mySites, () => render());
  const nameField = sform.querySelector('[data-field="name"]');
  if (!notes.items.length) {
    // With saved searches the alerts just have not come; without, the next step is to save one.
    list.append(emptyState('alerts', { level: 3, focus: searches.items.length ? null : nameField, text: searches.items.length ? t('alerts.none') : undefined }));
  } else {
    if (notes.unread > 0) {
      list.append(h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await api('POST', '/api/notifications/read', { all: true }); announce(t('alerts.allread')); render(); } catch (e) { replace(msg, note('error', e.message)); }
      } }, t('alerts.markall', { n: notes.unread })));
    }
    list.append(h('ul', { class: 'alerts' }, notes.items.map((n) => noteItem(n, mats))));
  }
  root.append(suggestionsSection(sugs, mats, msg), list);

  const mine = h('section', { class: 'card', 'aria-labelledby': 'ss-list-h' }, h('h2', { id: 'ss-list-h' }, t('alerts.searches.title')));
  if (!searches.items.length) mine.append(emptyState('searches', { level: 3, focus: nameField }));
  else {
    mine.append(h('ul', { class: 'saved-searches' }, searches.items.map((q) => h('li', {},
      h('strong', {}, q.name), ' ', h('span', { class: 'hint' }, searchSummary(q, mats)), ' ',
      h('button', { type: 'button', class: 'secondary', 'aria-label': t('alerts.delete.label', { name: q.name }), onclick: async () => {
        try { await api('DELETE', `/api/saved-searches/${q.id}`); announce(t('alerts.deleted', { name: q.name })); render(); } catch (e) { replace(msg, note('error', e.message)); }
      } }, t('alerts.delete'))))));
  }
  const matchMail = field({ label: t('alerts.matchmail'), name: 'match_email', hint: t('alerts.matchmail.hint'),
    options: MAIL.map((m) => [m, t(`alerts.mail.${m}`)]), value: searches.match_email });
  matchMail.querySelector('select').addEventListener('change', async (ev) => {
    try { await api('PUT', '/api/alert-settings', { match_email: ev.target.value }); announce(t('alerts.matchmail.saved')); } catch (e) { replace(msg, note('error', e.message)); }
  });
  mine.append(matchMail);
  root.append(mine, sform);
  alertBadge();
}

/* The page of the unsubscribe link in an alert mail: asks, then stops. */
export async function unsubscribeView({ root, params }) {
  root.append(h('h1', {}, t('unsub.title')));
  const token = params.token;
  let who;
  try { who = await api('GET', `/api/unsubscribe?token=${encodeURIComponent(token)}`); } catch (e) {
    root.append(note('error', e.status === 404 ? t('unsub.unknown') : e.message));
    return;
  }
  const box = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button' }, t('unsub.confirm'));
  btn.addEventListener('click', async () => {
    try {
      await api('POST', `/api/unsubscribe?token=${encodeURIComponent(token)}`);
      btn.remove();
      replace(box, note('ok', t('unsub.done', { email: who.email })));
    } catch (e) { replace(box, note('error', e.message)); }
  });
  root.append(h('p', {}, t('unsub.ask', { email: who.email })), h('p', { class: 'hint' }, t('unsub.hint')), btn, box);
}

/* The unread count next to "Varsler" in the menu. */
export async function alertBadge() {
  const a = document.querySelector('#main-nav a[data-route="varsler"]');
  if (!a || !getSession()) return;
  let n = 0;
  try {
    const [notes, sugs] = await Promise.all([api('GET', '/api/notifications?limit=1'), api('GET', '/api/suggestions')]);
    n = notes.unread + sugs.open;
  } catch (e) { return; }
  a.querySelector('.count')?.remove();
  if (n > 0) a.append(h('span', { class: 'count' }, ` ${n}`, h('span', { class: 'sr-only' }, ` ${t('alerts.unread.sr')}`)));
}
