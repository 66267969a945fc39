/*
 * views/tasks.js - "Mine oppdrag" (#/oppdrag), where a hauler lands after
 * signing in: the agreed deals the organisation may register loads under
 * (GET /api/deals?state=agreed, each deal's may.register_loads), one card
 * each with where the masses go from and to, the amount and the months,
 * and a large button to the deal's load form. On a phone at the roadside
 * it is the first thing needed, so it holds nothing else.
 */
import { h, note } from '../dom.js';
import { t, num, monthSpan } from '../i18n.js';
import { api, getSession } from '../api.js';
import { emptyState } from '../empty.js';

function partyName(d, role) {
  return d.parties?.[role]?.name || '';
}

export async function tasksView({ root }) {
  root.append(h('h1', {}, t('tasks.title')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required')), h('a', { href: '#/logg-inn?neste=%23%2Foppdrag' }, t('nav.login'))); return; }
  let r;
  try { r = await api('GET', '/api/deals?state=agreed'); } catch (e) { root.append(note('error', e.message)); return; }
  const mine = r.items.filter((d) => d.may?.register_loads);
  if (!mine.length) {
    root.append(emptyState('tasks'));
    return;
  }
  root.append(h('p', { class: 'hint' }, t('tasks.intro')),
    h('ul', { class: 'tasks' }, mine.map((d) => h('li', { class: 'card task' },
      h('h2', {}, h('a', { href: `#/avtale/${d.id}` }, d.listing_title || t('deal.title', { id: d.id }))),
      h('p', { class: 'task-parties' }, [partyName(d, 'owner'), partyName(d, 'reserver')].filter(Boolean).join(' · ')),
      h('p', { class: 'task-amount' }, `${num(d.amount_t, 1)} t · ${monthSpan(d.window.from, d.window.to)}`),
      h('a', { class: 'button-link primary big', href: `#/avtale/${d.id}?lass=1` }, t('tasks.register'))))),
    h('p', {}, h('a', { href: '#/avtaler' }, t('tasks.all'))));
}
