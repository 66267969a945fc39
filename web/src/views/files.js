/*
 * views/files.js - files in and out of the market (docs/exchange.md):
 *   exportButtons(path, formats)  one button per format that downloads
 *                                 GET path?format=... (CSV, Excel, GeoJSON);
 *   importSection(family)         a file picker that checks a CSV or Excel
 *                                 file first (POST /api/imports/...?
 *                                 dry_run=true), lists every bad row, and
 *                                 imports all rows or none;
 *   mhpButtons(ids)               the mass handling plan of listings as
 *                                 PDF or HTML (GET /api/mhp).
 */
import { h, replace, announce, note } from '../dom.js';
import { t, num, getLang } from '../i18n.js';
import { download, upload } from '../api.js';
import { render } from '../router.js';

const FORMAT_LABEL = { csv: 'CSV', xlsx: 'Excel', geojson: 'GeoJSON', pdf: 'PDF', html: 'HTML' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/* Buttons that download path with each format; `label` names the file. */
export function exportButtons(label, path, formats, cls = 'exports') {
  const msg = h('span', { class: 'export-msg', 'aria-live': 'polite' });
  // An export is for people: its header and names in the reader's language.
  const lang = path.startsWith('/api/exports/') ? `&lang=${getLang()}` : '';
  const sep = path.includes('?') ? '&' : '?';
  return h('p', { class: cls }, h('span', {}, `${label}: `),
    formats.map((f) => h('button', {
      type: 'button', class: 'secondary small', 'data-format': f,
      'aria-label': `${label}: ${FORMAT_LABEL[f]}`,
      onclick: async () => {
        try { const name = await download(`${path}${sep}format=${f}${lang}`, `massebank.${f}`); announce(t('files.downloaded', { name })); replace(msg); } catch (e) { replace(msg, note('error', e.message)); }
      },
    }, FORMAT_LABEL[f])), ' ', msg);
}

export function mhpButtons(ids) {
  return exportButtons(t('files.mhp'), `/api/mhp?listings=${ids.join(',')}&lang=${document.documentElement.lang === 'en' ? 'en' : 'nb'}`, ['pdf', 'html'], 'mhp-buttons');
}

/* Import listings or facilities of the user's organisation from a file. */
export function importSection(family) {
  const id = `imp-${family}`;
  const input = h('input', { type: 'file', id, accept: '.csv,.xlsx,text/csv,' + XLSX });
  const out = h('div', { class: 'import-result', 'aria-live': 'polite' });
  async function send(dry) {
    const file = input.files?.[0];
    if (!file) { replace(out, note('error', t('files.choose'))); return; }
    const type = /\.xlsx$/i.test(file.name) || file.type === XLSX ? XLSX : 'text/csv';
    try {
      const r = await upload(`/api/imports/${family}${dry ? '?dry_run=true' : ''}`, file, type);
      if (dry) replace(out, note('ok', t('files.checked', { n: num(r.rows) })));
      else { announce(t('files.imported', { n: num(r.imported) })); replace(out, note('ok', t('files.imported', { n: num(r.imported) }))); setTimeout(render, 1200); }
    } catch (e) {
      replace(out, note('error', e.problems?.length > 1 || e.problems?.[0]?.field ? t('files.refused') : e.message),
        e.problems?.length ? h('ul', { class: 'import-problems' }, e.problems.map((p) => h('li', {}, p.field ? `${p.field}: ${p.message}` : p.message))) : null);
    }
  }
  return h('details', { class: 'card import' },
    h('summary', {}, t(`files.import.${family}`)),
    h('p', { class: 'hint' }, t('files.import.hint')),
    h('label', { for: id }, t('files.file')), input,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'secondary', onclick: () => send(true) }, t('files.check')),
      h('button', { type: 'button', class: 'primary', onclick: () => send(false) }, t('files.import'))),
    out);
}
