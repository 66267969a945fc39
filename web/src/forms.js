/*
 * forms.js - labelled form fields and error display shared by the forms.
 *
 * field() builds a label + input + hint + error slot; the error slot has
 * data-error-for="<field path>" with the API's path ("amount.value",
 * "window.to", "lab[1].value", "lat"), and the input is linked to it with
 * aria-describedby and marked aria-invalid when it holds an error.
 * showErrors(form, problems) puts every problem next to the field it
 * names; a problem whose field has no slot (or the empty path) goes to the
 * form's summary at the top, so no message is ever lost.
 */
import { h, announce } from './dom.js';
import { api } from './api.js';
import { go } from './router.js';
import { t } from './i18n.js';
import { parseNumber, inputText } from './numbers.js';

let seq = 0;

/* A labelled input. opts: {label, name (API path), type, value, hint, attrs, options, control} */
export function field(opts) {
  const id = `f-${opts.id || opts.name.replace(/[^a-z0-9]/gi, '-')}-${++seq}`;
  const errId = `${id}-err`;
  const hintId = opts.hint ? `${id}-hint` : null;
  let control;
  if (opts.options) {
    control = h('select', { id, name: opts.name, ...opts.attrs },
      opts.options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(opts.value ?? '') }, label)));
  } else if (opts.type === 'textarea') {
    control = h('textarea', { id, name: opts.name, rows: 3, ...opts.attrs });
    control.value = opts.value ?? '';
  } else if (opts.type === 'number') {
    // A number as Norwegians type it ("1 200,5"): a text field read by
    // numbers.js, not the browser's number field (which drops a decimal
    // comma without a word in some browsers and locales).
    const rest = { ...(opts.attrs || {}) };
    const { min, max } = rest;
    delete rest.min; delete rest.max; delete rest.step;
    control = h('input', { id, name: opts.name, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', ...rest });
    control.dataset.number = '1';
    if (min !== undefined) control.dataset.min = String(min);
    if (max !== undefined) control.dataset.max = String(max);
    if (opts.value !== undefined && opts.value !== null) control.value = inputText(opts.value);
  } else {
    control = h('input', { id, name: opts.name, type: opts.type || 'text', ...opts.attrs });
    if (opts.value !== undefined && opts.value !== null) control.value = opts.value;
  }
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  control.dataset.field = opts.name;
  // An error shown for the field goes once the field is changed: it no
  // longer says anything true about what is in it.
  control.addEventListener(opts.options ? 'change' : 'input', () => {
    if (!control.hasAttribute('aria-invalid')) return;
    control.removeAttribute('aria-invalid');
    const slot = control.parentElement?.querySelector(`#${CSS.escape(errId)}`);
    if (slot) slot.textContent = '';
  });
  return h('div', { class: `field ${opts.class || ''}` },
    h('label', { for: id }, opts.label),
    control,
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    h('p', { class: 'field-error', id: errId, 'data-error-for': opts.name }));
}

/* The number in a number field (field({type: 'number'})) of `form` named
 * `name`: its value, or undefined when it is empty or wrong; a wrong one
 * (or an empty required one, or one below the field's min / above its
 * max) adds a problem {field, message} to probs, worded for the reader. */
export function readNumber(form, name, probs, { required = false } = {}) {
  const el = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!el) return undefined;
  const r = parseNumber(el.value);
  if (r.empty) {
    if (required) probs.push({ field: name, message: t('check.required') });
    return undefined;
  }
  if (r.error) {
    probs.push({ field: name, message: t(`num.${r.error}`, { v: el.value.trim() }) });
    return undefined;
  }
  if (el.dataset.min !== undefined && r.value < Number(el.dataset.min)) {
    probs.push({ field: name, message: t('num.min', { min: inputText(Number(el.dataset.min)) }) });
    return undefined;
  }
  if (el.dataset.max !== undefined && r.value > Number(el.dataset.max)) {
    probs.push({ field: name, message: t('num.max', { max: inputText(Number(el.dataset.max)) }) });
    return undefined;
  }
  return r.value;
}

/* A labelled checkbox whose error slot carries the API path `name`. */
export function checkbox({ name, label, checked }) {
  const id = `f-${name.replace(/[^a-z0-9]/gi, '-')}-${++seq}`;
  const input = h('input', { type: 'checkbox', id, name, checked: !!checked, 'aria-describedby': `${id}-err` });
  input.dataset.field = name;
  return h('div', { class: 'field check' }, input, h('label', { for: id }, label),
    h('p', { class: 'field-error', id: `${id}-err`, 'data-error-for': name }));
}

/* The form's error summary box (put it first in the form). */
export function summaryBox() {
  return h('div', { class: 'error-summary', role: 'alert', 'data-error-for': '', hidden: true });
}

/* Remove every shown error. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) { el.textContent = ''; if (el.classList.contains('error-summary')) el.hidden = true; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function slotFor(form, path) {
  // The exact path first, then its parents: "amount.value" -> "amount", "lab[1].value" -> "lab".
  let p = path;
  while (p) {
    const el = form.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}

/* Show problems [{field, message}] next to their fields; returns the first invalid control. */
export function showErrors(form, problems) {
  clearErrors(form);
  const summary = form.querySelector('.error-summary');
  let first = null;
  const loose = [];
  for (const pr of problems) {
    const slot = pr.field ? slotFor(form, pr.field) : null;
    if (!slot) { loose.push(pr); continue; }
    slot.textContent = slot.textContent ? `${slot.textContent} ${pr.message}` : pr.message;
    const ctl = form.querySelector(`[data-field="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (ctl) { ctl.setAttribute('aria-invalid', 'true'); first = first || ctl; }
  }
  // A refusal that names no field of this form (a role, a state) is not
  // "fix the marked fields": it says what happened, in words only.
  const head = first ? t('error.summary') : t('error.refused');
  if (summary) {
    summary.hidden = false;
    summary.replaceChildren(h('p', {}, head));
    if (loose.length) summary.append(h('ul', {}, loose.map((p) => h('li', {}, p.message))));
  }
  announce(`${head} ${problems.map((p) => p.message).join(' ')}`, true);
  if (first) first.focus();
  else if (summary) { summary.setAttribute('tabindex', '-1'); summary.focus(); }
  return first;
}

/* The submit handler of a listing or facility form: check in the browser,
 * then create (POST) or replace (PUT with If-Match) and publish when the
 * "publish" button was used; the API's problems land next to their fields.
 * path: "listings" or "facilities"; page: "annonse" or "anlegg". */
export function onSiteSubmit(form, { path, page, savedText, editing, version, bodyOf, check, afterSave }) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const publish = ev.submitter?.value !== 'draft';
    const body = bodyOf();
    const probs = check(body);
    if (probs.length) { showErrors(form, probs); return; }
    try {
      let saved;
      if (editing) {
        saved = await api('PUT', `/api/${path}/${editing}`, body, { ifMatch: version });
        if (publish && saved.status === 'draft') {
          saved = await api('POST', `/api/${path}/${editing}/status`, { status: 'published' },
                            { ifMatch: saved.version });
        }
      } else {
        saved = await api('POST', `/api/${path}${publish ? '?status=published' : ''}`, body);
      }
      // What goes with the site once it has an id (a lab report as its document).
      if (afterSave) await afterSave(saved);
      announce(savedText);
      go(`#/${page}/${saved.id}?lagret=1`);
    } catch (e) {
      showErrors(form, e.problems);
    }
  });
}
