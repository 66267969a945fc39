/*
 * dom.js - small helpers to build DOM without a framework.
 *
 * h(tag, attrs, ...children) creates an element: attrs may hold "class",
 * "for", event handlers as on<event> functions, and plain attributes;
 * children are nodes, strings (always inserted as text, never as HTML, so
 * API text cannot inject markup) or arrays. announce() writes to the
 * page's aria-live region for progress and errors.
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
  append(el, children);
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
