/*
 * api.js - the one place the UI talks to the massebank JSON API.
 *
 * api(method, path, body, opts) sends JSON with the session's bearer
 * token and returns the parsed reply; any non-2xx reply is thrown as an
 * ApiError carrying the API's error object ({status, code, message,
 * field, problems[]}) so that forms can put each problem next to the
 * field it names. The session (token, user, organisation, may) lives in
 * localStorage under "mb-session"; a 401 on a sent token signs out, since
 * the server says the token is no longer good on every route.
 */

import { worded } from './words.js';
import { t } from './i18n.js';

/* The error's message and problems in the reader's language (words.js);
 * `english` keeps the server's own words. */
export class ApiError extends Error {
  constructor(status, error) {
    const problems = error?.problems?.length ? error.problems.map((p) => ({ ...p, english: p.message, message: worded(p) })) : null;
    let message = error?.key ? worded(error) : (error?.message || `HTTP ${status}`);
    if (problems && problems.length > 1 && error?.key) message = t('error.more', { msg: message, n: problems.length - 1 });
    super(message);
    this.english = error?.message || '';
    this.status = status;
    this.code = error?.code || 'unknown';
    this.field = error?.field ?? '';
    this.problems = problems || [{ field: this.field, message: this.message }];
  }
}

const KEY = 'mb-session';
let session = null;
try { session = JSON.parse(localStorage.getItem(KEY) || 'null'); } catch { session = null; }
const listeners = new Set();

/* The signed-in session {token, user, organisation, may}, or null. */
export function getSession() { return session; }

/* Call fn(session) whenever the session changes. */
export function onSession(fn) { listeners.add(fn); }

function setSession(s) {
  session = s;
  if (s) localStorage.setItem(KEY, JSON.stringify(s)); else localStorage.removeItem(KEY);
  for (const fn of listeners) fn(s);
}

/* Send one request; resolves to the parsed JSON (or null), rejects with ApiError. */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: e.message, field: '' });
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) {
    if (res.status === 401 && session?.token && headers.Authorization) setSession(null);
    throw new ApiError(res.status, data?.error || { message: text || res.statusText });
  }
  if (opts.withLocation) return { data, location: res.headers.get('Location') };
  return data;
}

/* Sign in; stores the session and returns it. */
export async function login(email, password) {
  const r = await api('POST', '/api/auth/login', { email, password });
  const me = await fetch('/api/me', { headers: { Authorization: `Bearer ${r.token}` } }).then((x) => x.json());
  setSession({ token: r.token, user: r.user, organisation: me.organisation || r.organisation, may: me.may || {} });
  return session;
}

/* Sign out (best effort on the server) and forget the session. */
export async function logout() {
  try { await api('POST', '/api/auth/logout'); } catch { /* the token may already be gone */ }
  setSession(null);
}

let materialsPromise = null;
/* The material catalog (cached): [{code, name_nb, name_en, density_t_per_fm3, bulking_lm3_per_fm3}]. */
export function materials() {
  if (!materialsPromise) {
    materialsPromise = api('GET', '/api/materials').then((r) => r.materials || [])
      .catch((e) => { materialsPromise = null; throw e; });
  }
  return materialsPromise;
}

/* Every page of a search route (listings or facilities), as one list of items. */
export async function fetchAll(path, params = {}) {
  const out = [];
  for (let page = 1; page < 50; page++) {
    const q = new URLSearchParams({ ...params, per_page: '500', page: String(page) });
    const r = await api('GET', `${path}?${q}`);
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0) break;
  }
  return out;
}

/* The family path of a site type: listings for supply/need, facilities otherwise. */
export function familyOf(type) {
  return type === 'supply' || type === 'need' ? 'listings' : 'facilities';
}

/* Fetch a file from the API (an export, a plan as PDF) with the session's
 * token and hand it to the browser as a download named by the server's
 * Content-Disposition (or `fallback`). Rejects with ApiError. */
export async function download(path, fallback) {
  const headers = session?.token ? { Authorization: `Bearer ${session.token}` } : {};
  let res;
  try { res = await fetch(path, { headers }); } catch (e) { throw new ApiError(0, { code: 'network', message: e.message, field: '' }); }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    throw new ApiError(res.status, data?.error || { message: res.statusText });
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = cd.match(/filename="([^"]+)"/);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = m ? m[1] : fallback;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return a.download;
}

/* POST a file as the request body with its own Content-Type (imports);
 * resolves to the parsed JSON reply, rejects with ApiError. */
export async function upload(path, file, type) {
  const headers = { Accept: 'application/json', 'Content-Type': type };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  let res;
  try { res = await fetch(path, { method: 'POST', headers, body: file }); } catch (e) {
    throw new ApiError(0, { code: 'network', message: e.message, field: '' });
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) throw new ApiError(res.status, data?.error || { message: text || res.statusText });
  return data;
}
