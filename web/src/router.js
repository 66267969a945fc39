/*
 * router.js - the hash router.
 *
 * Routes are "#/name/param?query"; route(pattern, view) registers a view
 * function (ctx) => void|Promise that fills ctx.root. Patterns are plain
 * segments with ":id" parameters. The previous view's cleanup (returned
 * from the view, e.g. to stop polling or remove a map) runs before the
 * next view starts. After a navigation focus moves to the new page's <h1>
 * so keyboard and screen-reader users land on the content (not on the
 * first load, where Tab must reach the skip link first).
 *
 * Each render gets a fresh box (display: contents) inside the root: a view
 * still loading when the next navigation starts keeps filling its own,
 * detached box, so two views never end up on one page; its cleanup runs
 * as soon as it finishes.
 */

const routes = [];
let cleanup = null;
let root = null;
let first = true;  // on page load focus stays at the top, so Tab reaches the skip link first

export function route(pattern, view) {
  routes.push({ parts: pattern.split('/').filter(Boolean), view });
}

/* The current hash as {path: [...], query: URLSearchParams}. */
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/kart';
  const [p, q] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q || '') };
}

export function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

export async function render() {
  const { path, query } = current();
  if (typeof cleanup === 'function') { try { cleanup(); } catch { /* ignore */ } }
  cleanup = null;
  for (const r of routes) {
    if (r.parts.length !== path.length) continue;
    const params = {};
    const ok = r.parts.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = path[i]), true) : p === path[i]));
    if (!ok) continue;
    const box = document.createElement('div');
    box.className = 'view';
    root.replaceChildren(box);
    const ctx = { root: box, params, query };
    const c = await r.view(ctx);
    if (box.parentNode !== root) {  // a later navigation replaced this view while it loaded
      if (typeof c === 'function') { try { c(); } catch { /* ignore */ } }
      return;
    }
    cleanup = c || null;
    const h1 = root.querySelector('h1');
    // Focus goes to the new page's heading, unless the view put it on a
    // field of its own (the load form reached from "Registrer lass").
    const placed = document.activeElement && document.activeElement !== document.body && box.contains(document.activeElement);
    if (h1) { h1.setAttribute('tabindex', '-1'); if (!first && !placed) h1.focus({ preventScroll: true }); }
    first = false;
    document.dispatchEvent(new CustomEvent('mb-route', { detail: { path } }));
    return;
  }
  root.replaceChildren();
  const h = document.createElement('h1');
  h.textContent = '404';
  root.append(h);
}

export function startRouter(el) {
  root = el;
  window.addEventListener('hashchange', render);
  render();
}
