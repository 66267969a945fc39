/*
 * empty.js - what a list shows when it has nothing in it: a box with a
 * heading, one sentence on what the list would hold, and the next step
 * as a link or a button. Only steps the user may take are offered (the
 * session's `may` from GET /api/me and the user's role); a step that
 * needs a permission the user lacks is left out, not shown disabled.
 *
 *   emptyState(kind, opts) -> element
 *
 * kind: listings, facilities, matches, tasks, deals, loads, messages,
 * alerts, searches, documents, plans, delivered, suggestions.
 * opts: {session (default getSession()), level (heading level, 2),
 * id (the site of the matches), own (the user's organisation owns the
 * site), focus (a control the "do it here" button moves focus to),
 * text (a sentence to use instead of the kind's own)}.
 * Texts are "empty.KIND.title" and "empty.KIND.text" in i18n.js.
 */
import { h } from './dom.js';
import { t } from './i18n.js';
import { getSession } from './api.js';

const link = (href, key, primary = false) => ({ href, key, primary });

/* The next steps of each kind for session s: [{href|focus, key, primary}]. */
function steps(kind, s, o) {
  const may = s?.may || {};
  const hauler = s?.user?.role === 'hauler';
  const guide = link('#/kom-i-gang', 'empty.guide');
  switch (kind) {
    case 'listings':
      return may.write_listings ? [link('#/ny', 'empty.listings.new', true), guide]
        : [hauler ? link('#/oppdrag', 'empty.tasks.go', true) : link('#/kart', 'empty.map', true), guide];
    case 'facilities':
      return may.write_facilities ? [link('#/nytt-anlegg', 'empty.facilities.new', true)] : [];
    case 'matches': {
      const out = [];
      if (o.own && may.write_listings && o.id) out.push(link(`#/rediger/${o.id}`, 'empty.matches.edit', true));
      if (s) out.push(link('#/varsler', 'empty.matches.alert', !out.length));
      out.push(link('#/kart', 'empty.map'));
      return out;
    }
    case 'tasks':
      return [link('#/avtaler', 'empty.tasks.deals', true), link('#/kart', 'empty.map'), guide];
    case 'deals':
      return [link('#/kart', 'empty.deals.find', true), may.write_listings ? link('#/ny', 'empty.listings.new') : null, guide];
    case 'messages':
      return [link('#/kart', 'empty.messages.find', true), guide];
    case 'alerts':
    case 'searches':
    case 'documents':
    case 'plans':
      return o.focus ? [{ focus: o.focus, key: `empty.${kind}.do`, primary: true }] : [];
    case 'delivered':
      return may.run_plans ? [link('#/plan', 'empty.delivered.plan')] : [];
    default:
      return [];
  }
}

export function emptyState(kind, opts = {}) {
  const s = opts.session === undefined ? getSession() : opts.session;
  const level = Math.min(6, Math.max(2, opts.level || 2));
  const acts = steps(kind, s, opts).filter(Boolean).map((a) => {
    const cls = `button-link${a.primary ? ' primary' : ''}`;
    if (a.href) return h('a', { href: a.href, class: a.href === '#/kom-i-gang' ? 'empty-guide' : cls }, t(a.key));
    return h('button', { type: 'button', class: a.primary ? 'primary' : 'secondary', onclick: () => { a.focus.scrollIntoView?.({ block: 'center' }); a.focus.focus(); } }, t(a.key));
  });
  return h('div', { class: 'empty', 'data-empty': kind },
    h(`h${level}`, { class: 'empty-title' }, t(`empty.${kind}.title`)),
    h('p', {}, opts.text || t(`empty.${kind}.text`)),
    kind === 'matches' ? h('p', { class: 'empty-tip' }, t('empty.matches.tip')) : null,
    acts.length ? h('p', { class: 'empty-actions' }, acts) : null);
}
