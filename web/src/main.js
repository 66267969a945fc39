/*
 * main.js - the entry point: builds the header (skip link, navigation,
 * language switch, sign-in state), registers the routes and starts the
 * hash router. The navigation collapses behind a menu button at phone
 * width; the current page is marked with aria-current.
 */
import { h, replace } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { getSession, onSession, logout } from './api.js';
import { route, startRouter, render, current, go } from './router.js';
import { loginView } from './views/login.js';
import { mapView } from './views/mapview.js';
import { mineView } from './views/mine.js';
import { formView } from './views/form.js';
import { siteView } from './views/site.js';
import { planView } from './views/plan.js';
import { dashboardView } from './views/dashboard.js';
import { facilityFormView } from './views/facility.js';
import { dealsView, dealView, ticketView, traceView } from './views/deals.js';
import { inboxView, unreadBadge } from './views/messages.js';
import { alertsView, unsubscribeView, alertBadge } from './views/alerts.js';
import { signupView, forgotView, resetView, inviteView, approvalsView } from './views/join.js';
import { tasksView } from './views/tasks.js';
import { guideView } from './views/guide.js';

const NAV = [
  ['oppdrag', 'nav.tasks', 'haul'], ['kart', 'nav.map'], ['mine', 'nav.mine'], ['ny', 'nav.new', 'write_listings'], ['nytt-anlegg', 'nav.newfac', 'write_facilities'], ['avtaler', 'nav.deals'], ['meldinger', 'nav.messages', 'signed_in'], ['varsler', 'nav.alerts', 'signed_in'], ['godkjenning', 'nav.approvals', 'administer'], ['plan', 'nav.plan', 'run_plans'], ['dashbord', 'nav.dashboard'], ['kom-i-gang', 'nav.guide'],
];

function header() {
  const s = getSession();
  const nav = h('nav', { id: 'main-nav', 'aria-label': t('nav.menu') },
    // An entry with a third element shows only to users who "may" do that (GET /api/me).
    h('ul', {}, NAV.filter(([, , may]) => !may || (may === 'signed_in' ? !!s : may === 'haul' ? s?.user?.role === 'hauler' : s?.may?.[may])).map(([p, k]) => h('li', {}, h('a', { href: `#/${p}`, 'data-route': p }, t(k)))),
      h('li', {}, s
        ? h('button', { type: 'button', class: 'link', onclick: async () => { await logout(); go('#/logg-inn'); } }, t('nav.logout'))
        : h('a', { href: '#/logg-inn', 'data-route': 'logg-inn' }, t('nav.login')))));
  const toggle = h('button', { type: 'button', class: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'main-nav' }, t('nav.menu'));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  nav.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) { nav.classList.remove('open'); toggle.setAttribute('aria-expanded', 'false'); }
  });
  const lang = h('button', { type: 'button', class: 'lang', lang: getLang() === 'nb' ? 'en' : 'nb', 'aria-label': t('nav.lang.label') }, t('nav.lang'));
  lang.addEventListener('click', () => { setLang(getLang() === 'nb' ? 'en' : 'nb'); drawHeader(); render(); });
  return [
    h('a', { href: '#main', class: 'skip', onclick: (ev) => { ev.preventDefault(); document.getElementById('main').focus(); } }, t('skip')),
    h('div', { class: 'bar' },
      h('a', { href: '#/kart', class: 'brand' }, t('app.name')),
      h('span', { class: 'who' }, s ? t('login.as', { name: `${s.user.name}, ${t(`role.${s.user.role}`)}` }) : ''),
      lang, toggle),
    nav,
  ];
}

function markCurrent() {
  const p = current().path[0] || 'kart';
  for (const a of document.querySelectorAll('#main-nav a[data-route]')) {
    if (a.dataset.route === p) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function drawHeader() {
  replace(document.getElementById('top'), header());
  markCurrent();
  document.title = t('app.name');
}

setLang(getLang());
drawHeader();
onSession(() => drawHeader());
document.addEventListener('mb-route', () => { markCurrent(); unreadBadge(); alertBadge(); });

route('/kart', mapView);
route('/logg-inn', loginView);
route('/mine', mineView);
route('/oppdrag', tasksView);
route('/ny', formView);
route('/rediger/:id', formView);
route('/annonse/:id', siteView);
route('/anlegg/:id', siteView);
route('/nytt-anlegg', facilityFormView);
route('/rediger-anlegg/:id', facilityFormView);
route('/plan', planView);
route('/plan/:id', planView);
route('/dashbord', dashboardView);
route('/avtaler', dealsView);
route('/avtale/:id', dealView);
route('/meldinger', inboxView);
route('/varsler', alertsView);
route('/registrer', signupView);
route('/glemt-passord', forgotView);
route('/nytt-passord/:token', resetView);
route('/invitasjon/:token', inviteView);
route('/godkjenning', approvalsView);
route('/avmeld/:token', unsubscribeView);
route('/billett/:code', ticketView);
route('/sporing/:id', traceView);
route('/kom-i-gang', guideView);
startRouter(document.getElementById('main'));
