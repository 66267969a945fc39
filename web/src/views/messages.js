/*
 * views/messages.js - conversations: the inbox (#/meldinger) with unread
 * counts, the questions section of a listing (an asker's own thread; the
 * listing's organisation sees every asker's and answers in each), and
 * the deal's conversation. GET /api/messages, /api/listings/ID/messages,
 * /api/deals/ID/messages; posting is POST to the same address.
 * unreadBadge() keeps the count in the menu current.
 */
import { h, replace, announce, note } from '../dom.js';
import { t } from '../i18n.js';
import { api, getSession } from '../api.js';
import { clearErrors, showErrors, field } from '../forms.js';
import { emptyState } from '../empty.js';

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(t('locale'), { dateStyle: 'short', timeStyle: 'short' });
}

/* The messages of one thread as a list, and a form to write in it. */
function threadBox(thread, { post, heading, label }) {
  const list = h('ol', { class: 'messages', 'aria-label': label },
    thread ? thread.messages.map((m) => h('li', { class: `message ${m.mine ? 'mine' : 'theirs'}` },
      h('p', { class: 'message-meta' }, h('strong', {}, m.org.name), ` · ${m.user.name} · `, h('time', { datetime: m.created }, when(m.created))),
      h('p', { class: 'message-body' }, m.body))) : []);
  const form = h('form', { class: 'message-form', novalidate: true },
    field({ label: t('msg.write'), name: 'body', type: 'textarea', attrs: { maxlength: 4000, required: true } }),
    h('button', { type: 'submit', class: 'primary' }, t('msg.send')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = form.querySelector('[data-field="body"]').value;
    if (!body.trim()) { showErrors(form, [{ field: 'body', message: t('check.required') }]); return; }
    try {
      const r = await post(body);
      announce(t('msg.sent'));
      replace(box, ...threadBox(r, { post, heading, label }).childNodes);
      unreadBadge();
    } catch (e) { showErrors(form, e.problems); }
  });
  const box = h('div', { class: 'thread' }, heading || null,
    thread?.messages?.length ? list : h('p', { class: 'hint' }, t('msg.none')), form);
  return box;
}

/* The questions of a listing: for its organisation every asker's thread,
 * for others their own (started by their first message). */
export async function listingMessages(site) {
  const s = getSession();
  const sec = h('section', { class: 'card conversation', 'aria-labelledby': 'msg-h' }, h('h2', { id: 'msg-h' }, t('msg.listing.title')));
  if (!s) { sec.append(note('info', t('msg.signin'))); return sec; }
  let r;
  try { r = await api('GET', `/api/listings/${site.id}/messages`); } catch (e) { sec.append(note('error', e.message)); return sec; }
  const path = `/api/listings/${site.id}/messages`;
  if (s.user.org_id === site.org_id) {
    if (!r.threads.length) sec.append(h('p', { class: 'hint' }, t('msg.listing.noquestions')));
    for (const th of r.threads) {
      sec.append(threadBox(th, {
        heading: h('h3', {}, t('msg.from', { org: th.asker?.name || '' })),
        label: t('msg.from', { org: th.asker?.name || '' }),
        post: (body) => api('POST', path, { body, thread_id: th.id }),
      }));
    }
  } else {
    sec.append(h('p', { class: 'hint' }, t('msg.listing.hint')));
    sec.append(threadBox(r.threads[0], { label: t('msg.listing.title'), post: (body) => api('POST', path, { body }) }));
  }
  return sec;
}

export async function dealMessages(deal) {
  const sec = h('section', { class: 'card conversation', 'aria-labelledby': 'msg-h' }, h('h2', { id: 'msg-h' }, t('msg.deal.title')));
  let r;
  try { r = await api('GET', `/api/deals/${deal.id}/messages`); } catch (e) {
    // administrators and municipalities read deals, not the parties' talk
    sec.append(note('info', e.status === 404 ? t('msg.deal.notparty') : e.message));
    return sec;
  }
  sec.append(h('p', { class: 'hint' }, t('msg.deal.hint')));
  sec.append(threadBox(r.threads[0], { label: t('msg.deal.title'), post: (body) => api('POST', `/api/deals/${deal.id}/messages`, { body }) }));
  return sec;
}

export async function inboxView({ root }) {
  root.append(h('h1', {}, t('msg.inbox.title')));
  if (!getSession()) { root.append(note('info', t('login.required'))); return; }
  let r;
  try { r = await api('GET', '/api/messages'); } catch (e) { root.append(note('error', e.message)); return; }
  if (!r.threads.length) { root.append(emptyState('messages')); return; }
  root.append(h('ul', { class: 'inbox' }, r.threads.map((th) => {
    const href = th.kind === 'deal' ? `#/avtale/${th.subject_id}` : `#/annonse/${th.subject_id}`;
    const what = th.kind === 'deal' ? t('msg.inbox.deal', { title: th.title }) : th.title;
    return h('li', { class: th.unread ? 'unread' : '' },
      h('a', { href }, what),
      th.asker ? h('span', { class: 'hint' }, ` · ${th.asker.name}`) : null,
      h('span', { class: 'hint' }, ` · ${when(th.last_at)}`),
      th.unread ? h('span', { class: 'badge unread-badge' }, t(th.unread === 1 ? 'msg.unread.one' : 'msg.unread', { n: th.unread })) : null);
  })));
  unreadBadge();
}

/* The unread count next to "Meldinger" in the menu. */
export async function unreadBadge() {
  const a = document.querySelector('#main-nav a[data-route="meldinger"]');
  if (!a || !getSession()) return;
  let n = 0;
  try { n = (await api('GET', '/api/messages')).unread; } catch (e) { return; }
  a.querySelector('.count')?.remove();
  if (n > 0) a.append(h('span', { class: 'count' }, ` ${n}`, h('span', { class: 'sr-only' }, ` ${t('msg.unread.sr')}`)));
}
