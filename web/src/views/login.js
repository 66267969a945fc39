/*
 * views/login.js - the sign-in page (#/logg-inn). A plain form that
 * submits on Enter; the API's error (wrong password, too many attempts)
 * is shown next to the field it names or in the summary.
 */
import { h, announce } from '../dom.js';
import { t } from '../i18n.js';
import { field, summaryBox, showErrors, clearErrors } from '../forms.js';
import { login, getSession } from '../api.js';
import { go } from '../router.js';

export function loginView({ root, query }) {
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'login-h' },
    summaryBox(),
    field({ label: t('login.email'), name: 'email', type: 'email', attrs: { autocomplete: 'username', required: true } }),
    field({ label: t('login.password'), name: 'password', type: 'password', attrs: { autocomplete: 'current-password', required: true } }),
    h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
    h('p', {}, h('a', { href: '#/glemt-passord' }, t('join.forgot.link'))),
    h('p', {}, t('join.new'), ' ', h('a', { href: '#/registrer' }, t('join.signup.link'))),
    h('p', { class: 'hint' }, t('login.demo')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const probs = [];
    if (!email) probs.push({ field: 'email', message: t('check.required') });
    if (!password) probs.push({ field: 'password', message: t('check.required') });
    if (probs.length) { showErrors(form, probs); return; }
    try {
      const s = await login(email, password);
      announce(t('login.ok', { name: s.user.name, org: s.organisation.name }));
      // A hauler starts with today's work; the others with their listings.
      go(query.get('neste') || (s.user.role === 'hauler' ? '#/oppdrag' : '#/mine'));
    } catch (e) {
      const pr = e.problems.map((p) => ({ field: p.field === 'Authorization' ? 'password' : p.field, message: p.message }));
      showErrors(form, pr);
    }
  });
  const s = getSession();
  root.append(h('h1', { id: 'login-h' }, t('login.title')));
  if (s) root.append(h('p', { class: 'note note-info' }, t('login.ok', { name: s.user.name, org: s.organisation.name })));
  root.append(form);
}
