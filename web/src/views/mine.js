/*
 * views/mine.js - the signed-in organisation's listings (#/mine), every
 * status, with links to open and edit them and buttons to publish and
 * close; for the roles that may write facilities (operator, municipality,
 * admin) also "My facilities" the same way. Uses
 * GET /api/listings?org=ID&status=draft,published,reserved,closed and
 * GET /api/facilities with the same parameters.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num } from '../i18n.js';
import { api, fetchAll, getSession } from '../api.js';
import { render } from '../router.js';
import { exportButtons, importSection } from './files.js';
import { field, clearErrors, showErrors, summaryBox } from '../forms.js';
import { inviteSection } from './join.js';
import { emptyState } from '../empty.js';

const ALL = 'draft,published,reserved,closed';

export async function mineView({ root }) {
  root.append(h('h1', {}, t('mine.title')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Fmine' }, t('nav.login'))); return; }
  const msg = h('div', { 'aria-live': 'polite' });
  const facs = !!s.may?.write_facilities;
  root.append(msg);
  // The organisation's standing now (an administrator may have approved it since sign-in).
  const me = await api('GET', '/api/me').catch(() => null);
  root.append(await contactSection(s));
  root.append(inviteSection(me ? { ...s, organisation: me.organisation } : s));
  const [ls, fs] = await Promise.all([
    fetchAll('/api/listings', { org: String(s.user.org_id), status: ALL }).catch((e) => e),
    facs ? fetchAll('/api/facilities', { org: String(s.user.org_id), status: ALL }).catch((e) => e) : null,
  ]);

  async function setStatus(family, it, st) {
    const close = family === 'listings' ? 'site.close.confirm' : 'fac.close.confirm';
    if (st === 'closed' && !window.confirm(t(close))) return;
    try {
      await api('POST', `/api/${family}/${it.id}/status`, { status: st }, { ifMatch: it.version });
      announce(t('site.changed', { status: t(`status.${st}`) }));
      render();
    } catch (e) { replace(msg, note('error', e.message)); }
  }
  // One table of sites; cols are [heading, cell(it)] for the columns between name and status.
  function table(family, items, label, cols) {
    const open = family === 'listings' ? 'annonse' : 'anlegg';
    const edit = family === 'listings' ? 'rediger' : 'rediger-anlegg';
    const closeKey = family === 'listings' ? 'site.close' : 'fac.close';
    items.sort((a, b) => b.id - a.id);
    return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label },
      h('table', { class: `data mine-table ${family}-table` },
        h('thead', {}, h('tr', {}, [family === 'listings' ? t('form.title') : t('fac.name'), family === 'listings' ? t('form.type') : t('fac.type'), ...cols.map((c) => c[0]), t('site.status'), t('mine.actions')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, items.map((it) => {
          const name = it.title || it.name;
          return h('tr', { 'data-id': String(it.id) },
            h('th', { scope: 'row' }, h('a', { href: `#/${open}/${it.id}` }, name)),
            h('td', {}, t(`kind.${it.type}`)),
            cols.map((c) => c[1](it)),
            h('td', {}, h('span', { class: `badge st-${it.status}` }, t(`status.${it.status}`))),
            h('td', { class: 'actions' },
              it.status !== 'closed' ? h('a', { href: `#/${edit}/${it.id}`, 'aria-label': `${t('site.edit')}: ${name}` }, t('site.edit')) : null,
              it.status === 'draft' ? h('button', { type: 'button', class: 'small', 'aria-label': `${t('site.publish')}: ${name}`, onclick: () => setStatus(family, it, 'published') }, t('site.publish')) : null,
              it.status !== 'closed' ? h('button', { type: 'button', class: 'small danger', 'aria-label': `${t(closeKey)}: ${name}`, onclick: () => setStatus(family, it, 'closed') }, t(closeKey)) : null));
        }))));
  }
  const amount = (a) => (a ? `${num(a.value)} ${t(`unit.${a.unit}`)}` : '');

  const lsec = facs ? h('section', { 'aria-labelledby': 'mine-l-h' }, h('h2', { id: 'mine-l-h' }, t('mine.listings'))) : root;
  if (facs) root.append(lsec);
  if (s.may?.write_listings) {
    lsec.append(h('p', {}, h('a', { href: '#/ny', class: 'button-link primary' }, t('mine.new'))),
      exportButtons(t('files.export.mine'), '/api/exports/listings?scope=mine', ['csv', 'xlsx', 'geojson']),
      importSection('listings'));
  }
  if (ls instanceof Error) lsec.append(note('error', ls.message));
  else if (!ls.length) lsec.append(emptyState('listings', { level: facs ? 3 : 2 }));
  else {
    lsec.append(table('listings', ls, t('mine.title'), [
      [t('site.amount'), (it) => h('td', { class: 'n' }, amount(it.amount))],
      [t('site.window'), (it) => h('td', {}, it.window ? `${it.window.from}–${it.window.to}` : '')],
    ]));
  }
  if (!facs) return;
  const fsec = h('section', { 'aria-labelledby': 'mine-f-h', class: 'mine-facilities' }, h('h2', { id: 'mine-f-h' }, t('mine.facilities')),
    h('p', {}, h('a', { href: '#/nytt-anlegg', class: 'button-link primary' }, t('mine.fac.new'))),
    exportButtons(t('files.export.fac'), '/api/exports/facilities?scope=mine', ['csv', 'xlsx', 'geojson']),
    importSection('facilities'));
  root.append(fsec);
  if (fs instanceof Error) fsec.append(note('error', fs.message));
  else if (!fs.length) fsec.append(emptyState('facilities', { level: 3 }));
  else {
    fsec.append(table('facilities', fs, t('mine.facilities'), [
      [t('mine.capacity'), (it) => h('td', { class: 'n' }, amount(it.capacity_per_year || it.capacity || it.capacity_per_month))],
      [t('site.window'), (it) => h('td', {}, it.window ? `${it.window.from}–${it.window.to}` : '')],
    ]));
  }
}

/* What the organisation publishes to its counterparts (PUT
 * /api/organisations/{id}/contact), in a closed box: it is set once. */
async function contactSection(s) {
  let org;
  try { org = await api('GET', `/api/organisations/${s.user.org_id}`); } catch (e) { return note('error', e.message); }
  const c = org.contact || {};
  const form = h('form', { class: 'contact-form', novalidate: true },
    summaryBox(),
    h('p', { class: 'hint' }, t('contact.hint')),
    field({ label: t('contact.name'), name: 'name', value: c.name || '', attrs: { maxlength: 100, autocomplete: 'name' } }),
    field({ label: t('contact.phone'), name: 'phone', type: 'tel', value: c.phone || '', attrs: { maxlength: 20, autocomplete: 'tel', inputmode: 'tel' } }),
    field({ label: t('contact.email'), name: 'email', type: 'email', value: c.email || '', attrs: { maxlength: 127, autocomplete: 'email' } }),
    h('button', { type: 'submit', class: 'primary' }, t('contact.save')));
  const done = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const body = { name: String(fd.get('name')).trim(), phone: String(fd.get('phone')).trim(), email: String(fd.get('email')).trim() };
    try {
      await api('PUT', `/api/organisations/${s.user.org_id}/contact`, body);
      replace(done, note('ok', t('contact.saved')));
      announce(t('contact.saved'));
    } catch (e) { showErrors(form, e.problems); }
  });
  return h('details', { class: 'card contact-box' },
    h('summary', {}, t('contact.title', { org: org.name })), form, done);
}
