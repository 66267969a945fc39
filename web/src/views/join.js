/*
 * views/join.js - joining: sign-up of an organisation (#/registrer, its
 * organisation number checked with the modulus 11 digit here and by the
 * API), "forgot my password" (#/glemt-passord) and the pages the mailed
 * links open (#/nytt-passord/TOKEN, #/invitasjon/TOKEN); for
 * administrators the organisations waiting for approval
 * (#/godkjenning); inviteSection() is the "invite a colleague" form of
 * Mine. The API's problems land next to their fields.
 */
import { h, replace, announce, note } from '../dom.js';
import { t } from '../i18n.js';
import { api, getSession } from '../api.js';
import { render } from '../router.js';
import { field, summaryBox, showErrors, clearErrors } from '../forms.js';

const ROLES = ['developer', 'contractor', 'hauler', 'operator'];

/* The modulus 11 check of an organisation number (spaces allowed). */
export function orgnrValid(s) {
  const d = s.replace(/\s/g, '');
  if (!/^[0-9]{9}$/.test(d)) return false;
  const w = [3, 2, 7, 6, 5, 4, 3, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * w[i];
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(d[8]);
}

function value(form, name) { return form.querySelector(`[data-field="${name}"]`).value; }

function passwordFields(prefix = '') {
  return [
    field({ label: t('join.password'), name: `${prefix}password`, type: 'password', hint: t('join.password.hint'), attrs: { autocomplete: 'new-password' } }),
    field({ label: t('join.password2'), name: 'password2', type: 'password', attrs: { autocomplete: 'new-password' } }),
  ];
}

function checkPasswords(form, prefix, probs) {
  const pw = value(form, `${prefix}password`);
  if (pw.length < 12) probs.push({ field: `${prefix}password`, message: t('join.password.short') });
  else if (pw !== value(form, 'password2')) probs.push({ field: 'password2', message: t('join.password.differ') });
  return pw;
}

export function signupView({ root }) {
  root.append(h('h1', { id: 'su-h' }, t('join.signup.title')), h('p', {}, t('join.signup.intro')));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'su-h' }, summaryBox(),
    h('fieldset', { class: 'group' }, h('legend', {}, t('join.org')),
      field({ label: t('join.org.name'), name: 'organisation.name', attrs: { autocomplete: 'organization' } }),
      field({ label: t('join.orgnr'), name: 'organisation.orgnr', hint: t('join.orgnr.hint'), attrs: { inputmode: 'numeric', autocomplete: 'off' } })),
    h('fieldset', { class: 'group' }, h('legend', {}, t('join.you')),
      field({ label: t('join.name'), name: 'user.name', attrs: { autocomplete: 'name' } }),
      field({ label: t('login.email'), name: 'user.email', type: 'email', attrs: { autocomplete: 'email' } }),
      field({ label: t('join.role'), name: 'user.role', options: ROLES.map((r) => [r, t(`role.${r}`)]), value: 'contractor' }),
      ...passwordFields('user.')),
    h('button', { type: 'submit', class: 'primary' }, t('join.signup.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const probs = [];
    const body = {
      organisation: { name: value(form, 'organisation.name').trim(), orgnr: value(form, 'organisation.orgnr').trim() },
      user: { name: value(form, 'user.name').trim(), email: value(form, 'user.email').trim(), role: value(form, 'user.role') },
    };
    for (const [f, v] of [['organisation.name', body.organisation.name], ['user.name', body.user.name], ['user.email', body.user.email]]) {
      if (!v) probs.push({ field: f, message: t('check.required') });
    }
    if (!orgnrValid(body.organisation.orgnr)) probs.push({ field: 'organisation.orgnr', message: t('join.orgnr.bad') });
    body.user.password = checkPasswords(form, 'user.', probs);
    if (probs.length) { showErrors(form, probs); return; }
    try {
      await api('POST', '/api/signup', body);
      form.remove();
      replace(out, note('ok', t('join.signup.done', { org: body.organisation.name })), h('p', {}, h('a', { href: '#/logg-inn' }, t('nav.login'))));
      announce(t('join.signup.done', { org: body.organisation.name }));
    } catch (e) { showErrors(form, e.problems); }
  });
  root.append(form, out);
}

export function forgotView({ root }) {
  root.append(h('h1', { id: 'fp-h' }, t('join.forgot.title')), h('p', {}, t('join.forgot.intro')));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'fp-h' }, summaryBox(),
    field({ label: t('login.email'), name: 'email', type: 'email', attrs: { autocomplete: 'username' } }),
    h('button', { type: 'submit', class: 'primary' }, t('join.forgot.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const email = value(form, 'email').trim();
    if (!email) { showErrors(form, [{ field: 'email', message: t('check.required') }]); return; }
    try {
      await api('POST', '/api/password-reset', { email });
      form.remove();
      replace(out, note('ok', t('join.forgot.done', { email })));
    } catch (e) { showErrors(form, e.problems); }
  });
  root.append(form, out);
}

export function resetView({ root, params }) {
  root.append(h('h1', { id: 'rp-h' }, t('join.reset.title')));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'rp-h' }, summaryBox(),
    ...passwordFields(), h('button', { type: 'submit', class: 'primary' }, t('join.reset.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const probs = [];
    const password = checkPasswords(form, '', probs);
    if (probs.length) { showErrors(form, probs); return; }
    try {
      await api('POST', '/api/password-reset/confirm', { token: params.token, password });
      form.remove();
      replace(out, note('ok', t('join.reset.done')), h('p', {}, h('a', { href: '#/logg-inn' }, t('nav.login'))));
    } catch (e) { showErrors(form, e.problems.map((p) => (p.field === 'token' ? { field: '', message: t('join.link.dead') } : p))); }
  });
  root.append(form, out);
}

export function inviteView({ root, params }) {
  root.append(h('h1', { id: 'inv-h' }, t('join.accept.title')), h('p', {}, t('join.accept.intro')));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'inv-h' }, summaryBox(),
    field({ label: t('join.name'), name: 'name', attrs: { autocomplete: 'name' } }),
    ...passwordFields(), h('button', { type: 'submit', class: 'primary' }, t('join.accept.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const probs = [];
    const name = value(form, 'name').trim();
    if (!name) probs.push({ field: 'name', message: t('check.required') });
    const password = checkPasswords(form, '', probs);
    if (probs.length) { showErrors(form, probs); return; }
    try {
      const u = await api('POST', '/api/invitations/accept', { token: params.token, name, password });
      form.remove();
      replace(out, note('ok', t('join.accept.done', { email: u.email })), h('p', {}, h('a', { href: '#/logg-inn' }, t('nav.login'))));
    } catch (e) { showErrors(form, e.problems.map((p) => (p.field === 'token' ? { field: '', message: t('join.link.dead') } : p))); }
  });
  root.append(form, out);
}

export async function approvalsView({ root }) {
  root.append(h('h1', {}, t('join.approve.title')));
  const s = getSession();
  if (!s) { root.append(note('info', t('login.required'))); return; }
  const msg = h('div', { 'aria-live': 'polite' });
  root.append(msg);
  let r;
  try { r = await api('GET', '/api/signups'); } catch (e) { root.append(note('error', e.message)); return; }
  if (!r.items.length) { root.append(note('info', t('join.approve.none'))); return; }
  root.append(h('ul', { class: 'approvals' }, r.items.map((o) => {
    const decide = async (state) => {
      try {
        await api('POST', `/api/organisations/${o.id}/verification`, { state });
        announce(t(`join.approve.${state}`, { org: o.name }));
        render();
      } catch (e) { replace(msg, note('error', e.message)); }
    };
    return h('li', { class: 'card' },
      h('h2', {}, o.name), h('p', {}, t('join.approve.orgnr', { nr: o.orgnr })),
      h('ul', {}, o.users.map((u) => h('li', {}, `${u.name} · ${u.email} · ${t(`role.${u.role}`)}`))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', 'aria-label': t('join.approve.yes.label', { org: o.name }), onclick: () => decide('verified') }, t('join.approve.yes')),
        h('button', { type: 'button', class: 'secondary', 'aria-label': t('join.approve.no.label', { org: o.name }), onclick: () => decide('rejected') }, t('join.approve.no'))));
  })));
}

/* Mine: a banner while the organisation waits, and the invite form. */
export function inviteSection(s) {
  const state = s.organisation?.state || 'verified';
  if (state !== 'verified') return note('info', t(`join.state.${state}`));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'invite-form', novalidate: true, 'aria-label': t('join.invite.title') },
    summaryBox(),
    field({ label: t('login.email'), name: 'email', type: 'email', attrs: { autocomplete: 'off' } }),
    field({ label: t('join.role'), name: 'role', options: ROLES.map((r) => [r, t(`role.${r}`)]), value: s.user.role in { admin: 1, municipality: 1 } ? 'contractor' : s.user.role }),
    h('button', { type: 'submit' }, t('join.invite.submit')), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const email = value(form, 'email').trim();
    if (!email) { showErrors(form, [{ field: 'email', message: t('check.required') }]); return; }
    try {
      await api('POST', '/api/invitations', { email, role: value(form, 'role') });
      form.querySelector('[data-field="email"]').value = '';
      replace(out, note('ok', t('join.invite.done', { email })));
      announce(t('join.invite.done', { email }));
    } catch (e) { showErrors(form, e.problems); }
  });
  return h('details', { class: 'card invite-box' }, h('summary', {}, t('join.invite.title')), form);
}
