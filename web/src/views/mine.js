/*
 * views/mine.js - the signed-in organisation's listings (#/mine), every
 * status, with links to open and edit them and buttons to publish and
 * close. Uses GET /api/listings?org=ID&status=draft,published,reserved,closed.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num } from '../i18n.js';
import { api, fetchAll, getSession } from '../api.js';
import { render } from '../router.js';

export async function mineView({ root }) {
  root.append(h('h1', {}, t('mine.title')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Fmine' }, t('nav.login'))); return; }
  const msg = h('div', { 'aria-live': 'polite' });
  root.append(msg, s.may?.write_listings ? h('p', {}, h('a', { href: '#/ny', class: 'button-link primary' }, t('mine.new'))) : null);
  let items;
  try { items = await fetchAll('/api/listings', { org: String(s.user.org_id), status: 'draft,published,reserved,closed' }); } catch (e) { root.append(note('error', e.message)); return; }
  if (!items.length) { root.append(note('info', t('mine.none'))); return; }
  items.sort((a, b) => b.id - a.id);
  async function setStatus(it, st) {
    if (st === 'closed' && !window.confirm(t('site.close.confirm'))) return;
    try {
      await api('POST', `/api/listings/${it.id}/status`, { status: st }, { ifMatch: it.version });
      announce(t('site.changed', { status: t(`status.${st}`) }));
      render();
    } catch (e) { replace(msg, note('error', e.message)); }
  }
  root.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('mine.title') },
    h('table', { class: 'data mine-table' },
      h('thead', {}, h('tr', {}, [t('form.title'), t('form.type'), t('site.amount'), t('site.window'), t('site.status'), t('mine.actions')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, items.map((it) => h('tr', { 'data-id': String(it.id) },
        h('th', { scope: 'row' }, h('a', { href: `#/annonse/${it.id}` }, it.title)),
        h('td', {}, t(`kind.${it.type}`)),
        h('td', { class: 'n' }, it.amount ? `${num(it.amount.value)} ${t(`unit.${it.amount.unit}`)}` : ''),
        h('td', {}, it.window ? `${it.window.from}–${it.window.to}` : ''),
        h('td', {}, h('span', { class: `badge st-${it.status}` }, t(`status.${it.status}`))),
        h('td', { class: 'actions' },
          it.status !== 'closed' ? h('a', { href: `#/rediger/${it.id}`, 'aria-label': `${t('site.edit')}: ${it.title}` }, t('site.edit')) : null,
          it.status === 'draft' ? h('button', { type: 'button', class: 'small', 'aria-label': `${t('site.publish')}: ${it.title}`, onclick: () => setStatus(it, 'published') }, t('site.publish')) : null,
          it.status !== 'closed' ? h('button', { type: 'button', class: 'small danger', 'aria-label': `${t('site.close')}: ${it.title}`, onclick: () => setStatus(it, 'closed') }, t('site.close')) : null)))))));
}
