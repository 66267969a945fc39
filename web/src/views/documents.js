/*
 * views/documents.js - a listing's photos and documents: photos as
 * thumbnails (fetched with the session, so a draft's pictures show to
 * its owner too), other documents as links with their kind, and for the
 * listing's organisation an upload of a photo (JPEG, PNG), a lab report
 * or permit (PDF) or another document. The server checks each file's
 * content against its type; its refusal is shown next to the file field.
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num } from '../i18n.js';
import { getSession, upload } from '../api.js';
import { field, clearErrors, showErrors } from '../forms.js';
import { render } from '../router.js';
import { emptyState } from '../empty.js';

const TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

function typeOf(file) {
  if (file.type) return file.type;
  const ext = (file.name.match(/\.([a-z0-9]+)$/i)?.[1] || '').toLowerCase();
  return TYPES[ext] || 'application/octet-stream';
}

/* A photo as a small picture: the bytes fetched with the session and
 * shown from a blob (an <img src> cannot send the session's token). */
function thumb(d) {
  const img = h('img', { class: 'doc-thumb', alt: d.name, loading: 'lazy', width: 160, height: 120 });
  const s = getSession();
  fetch(d.url, { headers: s?.token ? { Authorization: `Bearer ${s.token}` } : {} })
    .then((r) => (r.ok ? r.blob() : null))
    .then((b) => { if (b) img.src = URL.createObjectURL(b); })
    .catch(() => {});
  return h('a', { href: d.url, class: 'doc-photo', 'aria-label': t('doc.open', { name: d.name }) }, img);
}

export function documentsSection(site, own) {
  const docs = site.documents || [];
  const photos = docs.filter((d) => d.kind === 'photo');
  const others = docs.filter((d) => d.kind !== 'photo');
  const sec = h('section', { class: 'card documents', 'aria-labelledby': 'docs-h' }, h('h2', { id: 'docs-h' }, t('doc.title')));
  // Nothing yet: what would be here, and for the owner a button to the file field below.
  const empty = docs.length ? null : sec.appendChild(emptyState('documents', { level: 3 }));
  if (photos.length) sec.append(h('div', { class: 'doc-photos' }, photos.map(thumb)));
  if (others.length) {
    sec.append(h('ul', { class: 'doc-list' }, others.map((d) => h('li', {},
      h('a', { href: d.url, download: d.name }, d.name),
      h('span', { class: 'hint' }, ` · ${t(`doc.kind.${d.kind}`)} · ${num(d.size / 1024, 0)} kB`)))));
  }
  if (!own) return sec;
  const form = h('form', { class: 'doc-form', novalidate: true },
    field({ label: t('doc.file'), name: 'body', type: 'file', hint: t('doc.file.hint'), attrs: { accept: 'image/jpeg,image/png,application/pdf,.csv,.xlsx,.txt', required: true } }),
    field({ label: t('doc.kind'), name: 'kind', value: 'photo', options: ['photo', 'lab_report', 'permit', 'other'].map((k) => [k, t(`doc.kind.${k}`)]) }),
    h('button', { type: 'submit', class: 'primary' }, t('doc.upload')));
  const msg = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const file = form.querySelector('[data-field="body"]').files?.[0];
    if (!file) { showErrors(form, [{ field: 'body', message: t('check.required') }]); return; }
    if (file.size > 20 * 1024 * 1024) { showErrors(form, [{ field: 'body', message: t('doc.toobig') }]); return; }
    const kind = form.querySelector('[data-field="kind"]').value;
    const q = new URLSearchParams({ name: file.name, kind });
    const family = site.type === 'supply' || site.type === 'need' ? 'listings' : 'facilities';
    try {
      await upload(`/api/${family}/${site.id}/documents?${q}`, file, typeOf(file));
      announce(t('doc.uploaded', { name: file.name }));
      render();
    } catch (e) {
      // a refusal of the content or the type belongs to the file field
      const probs = (e.problems || []).map((p) => (p.field === 'Content-Type' ? { ...p, field: 'body' } : p));
      if (probs.length) showErrors(form, probs); else replace(msg, note('error', e.message));
    }
  });
  sec.append(form, msg);
  empty?.replaceWith(emptyState('documents', { level: 3, focus: form.querySelector('[data-field="body"]') }));
  return sec;
}
