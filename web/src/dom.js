/*
 * dom.js - small helpers to build DOM without a framework.
 *
 * h(tag, attrs, ...children) creates an element: attrs may hold "class",
 * "for", event handlers as on<event> functions, and plain attributes;
 * children are nodes, strings (always inserted as text, never as HTML, so
 * API text cannot inject markup) or arrays. announce() writes to the
 * page's aria-live region for progress and errors.
 *
 * The look is Designsystemet's (@digdir/designsystemet-css, see
 * docs/web.md): h() gives an element the design system's class by its tag
 * and our own class names (ds()), so the views keep writing
 * h('button', {class: 'primary'}) and get a ds-button with
 * data-variant="primary".
 */

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  ds(el);
  append(el, children);
  return el;
}

/* Buttons with a look of their own (the header's, on its dark bar). */
const OWN_BUTTON = ['link', 'menu-toggle', 'lang'];
/* Inputs the browser draws (or that have no look). */
const NATIVE_INPUT = new Set(['file', 'hidden', 'range', 'color', 'image', 'submit', 'reset', 'button']);
/* data-color of a note (note-<kind>) and of a status badge (<family>-<state>). */
const NOTE_COLOR = { info: 'info', ok: 'success', error: 'danger', warn: 'warning' };
const TAG_COLOR = {
  'st-published': 'success', 'st-draft': 'warning', 'st-closed': 'neutral', 'st-reserved': 'info',
  'deal-reserved': 'warning', 'deal-agreed': 'success', 'deal-completed': 'success',
  'deal-declined': 'neutral', 'deal-cancelled': 'neutral',
  'load-registered': 'warning', 'load-confirmed': 'success', 'load-disputed': 'danger',
  'unread-badge': 'info',
};

function set(el, name, value) {
  if (!el.hasAttribute(name)) el.setAttribute(name, value);
}

/* A button or a link that looks like one: variant from the class
 * (primary, tertiary, else secondary), red for "danger", size from
 * "small" / "big". */
function dsButton(el, c) {
  c.add('ds-button');
  set(el, 'data-variant', c.contains('primary') ? 'primary' : c.contains('tertiary') ? 'tertiary' : 'secondary');
  if (c.contains('danger')) set(el, 'data-color', 'danger');
  if (c.contains('small')) set(el, 'data-size', 'sm');
  else if (c.contains('big')) set(el, 'data-size', 'lg');
}

/* Designsystemet's class (and data attributes) for el, by its tag and our classes. */
export function ds(el) {
  const c = el.classList;
  switch (el.localName) {
    case 'button':
      if (!OWN_BUTTON.some((k) => c.contains(k))) dsButton(el, c);
      break;
    case 'a':
      if (c.contains('button-link')) dsButton(el, c);
      else if (!el.className) c.add('ds-link');
      break;
    case 'input':
      if (!NATIVE_INPUT.has(el.type)) c.add('ds-input');
      break;
    case 'select': case 'textarea':
      c.add('ds-input');
      break;
    case 'label':
      c.add('ds-label');
      break;
    case 'table':
      if (c.contains('data')) c.add('ds-table');
      break;
    case 'p': case 'div':
      if (c.contains('note')) {
        c.add('ds-alert');
        const kind = [...c].find((k) => k.startsWith('note-'))?.slice(5);
        set(el, 'data-color', NOTE_COLOR[kind] || 'info');
      } else if (c.contains('field')) c.add('ds-field');
      else if (c.contains('field-error')) c.add('ds-validation-message');
      else if (c.contains('error-summary')) c.add('ds-error-summary');
      if (c.contains('card')) c.add('ds-card');
      break;
    case 'span':
      if (c.contains('badge')) {
        c.add('ds-tag');
        set(el, 'data-color', TAG_COLOR[[...c].find((k) => TAG_COLOR[k])] || 'neutral');
      }
      break;
    case 'section': case 'form': case 'li': case 'details': case 'article':
      if (c.contains('card')) c.add('ds-card');
      break;
    default:
  }
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/* Replace the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/* Say msg through the polite (or assertive) live region. */
export function announce(msg, assertive = false) {
  const el = document.getElementById(assertive ? 'live-alert' : 'live');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = msg; }, 30);
}

/* A message box: kind is "info", "ok" or "error". */
export function note(kind, text) {
  return h('p', { class: `note note-${kind}`, role: kind === 'error' ? 'alert' : null }, text);
}
