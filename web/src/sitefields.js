/*
 * sitefields.js - the receiver fields shared by the need listing form and
 * the facility form: the material list `accepts` (or a quarry's `offers`)
 * and the receiver's own `limits` (substance -> mg/kg).
 *
 * The material list is a group of checkboxes (every material, each group
 * "rock.*"... and "*"), so it works with a keyboard and a screen reader
 * without the modifier keys a <select multiple> needs. Its value is the
 * list of checked codes in the order shown; the API's problems name an
 * item by that index ("accepts[1]") and land in the list's error slot.
 *
 * The limit rows are substance + value pairs; the value's error slot
 * carries the API's path "limits.<substance>" (renamed as you type the
 * substance), and the substance's slot "limits[i]" takes the form's own
 * checks (missing substance, given twice). The substances are those of the
 * lab rows and /api/classify: the API has no route that lists them.
 */
import { h } from './dom.js';
import { t, materialName } from './i18n.js';
import { field } from './forms.js';
import { parseNumber } from './numbers.js';

/* The substance codes of the condition-class table (TA-2553/2009). */
export const SUBSTANCES = ['As', 'Pb', 'Cd', 'Hg', 'Cu', 'Zn', 'Cr', 'CrVI', 'Ni', 'PCB7', 'DDT', 'PAH16', 'BaP', 'Benzen', 'Ba', 'Mo', 'Sb', 'Se', 'Cl', 'F', 'SO4', 'DOC', 'TOC'];

const GROUPS = ['rock', 'soil', 'recycled', 'product'];

let seq = 0;

/*
 * A fieldset of material checkboxes. name is the API path ("accepts" or
 * "offers"); selected the list to show checked. Returns {el, value()}.
 */
export function materialList(mats, selected, { name = 'accepts', legend, hint } = {}) {
  const id = `ml-${name}-${++seq}`;
  const chosen = new Set((selected || []).map(String));
  const box = (code, label) => {
    const cid = `${id}-${code.replace(/[^a-z0-9]/gi, '-')}`;
    return h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: cid, value: code, checked: chosen.has(code), 'aria-describedby': `${id}-err` }),
      h('label', { for: cid }, label));
  };
  const groups = GROUPS.map((g) => {
    const list = mats.filter((m) => m.code.split('.')[0] === g);
    return h('fieldset', { class: 'mat-group' }, h('legend', {}, t(`group.${g}`)),
      box(`${g}.*`, t('mat.group.all', { group: t(`group.${g}`) })),
      list.map((m) => box(m.code, materialName(m))));
  });
  // Codes or patterns the doc has that the boxes do not show (e.g. an old alias) stay as extra boxes.
  const known = new Set(['*', ...GROUPS.map((g) => `${g}.*`), ...mats.map((m) => m.code)]);
  const extra = [...chosen].filter((c) => !known.has(c)).map((c) => box(c, c));
  const el = h('fieldset', { class: 'group material-list', 'data-list': name },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('p', { class: 'field-error', id: `${id}-err`, 'data-error-for': name }),
    box('*', t('mat.all')),
    h('div', { class: 'mat-groups' }, groups),
    extra);
  // showErrors marks and focuses the control whose data-field is the slot's path.
  el.querySelector('input').dataset.field = name;
  return {
    el,
    value: () => [...el.querySelectorAll('input[type=checkbox]:checked')].map((x) => x.value),
  };
}

/* Rows of receiver limits. Returns {el, value(), check(), add()}. */
export function limitRows(limits, { name = 'limits', title = t('limits.title'), hint = t('limits.hint'), addLabel = t('limits.add') } = {}) {
  const rows = h('div', { class: 'limit-rows' });
  const uid = ++seq;
  const listId = `subst-${uid}`;
  let n = 0;
  function add(sub = '', val = '') {
    const i = n++;
    const row = h('div', { class: 'limit-row row' },
      field({ label: t('limits.substance'), name: `${name}.substance`, id: `${name}-s-${uid}-${i}`, value: sub, attrs: { autocomplete: 'off', list: listId } }),
      field({ label: t('limits.value'), name: `${name}.value`, id: `${name}-v-${uid}-${i}`, value: val, hint: 'mg/kg', attrs: { inputmode: 'decimal' } }),
      h('button', { type: 'button', class: 'secondary remove', onclick: () => { row.remove(); paths(); } }, t('form.lab.remove')));
    rows.append(row);
    paths();
    return row;
  }
  // The error slots follow the API's paths: limits.<substance> at the value, limits[i] at the substance.
  function paths() {
    [...rows.children].forEach((row, i) => {
      const s = row.querySelector(`[name="${name}.substance"]`);
      const v = row.querySelector(`[name="${name}.value"]`);
      const sp = `${name}[${i}]`;
      const vp = s.value.trim() ? `${name}.${s.value.trim()}` : `${name}[${i}].value`;
      s.dataset.field = sp; row.querySelector(`#${s.id}-err`).dataset.errorFor = sp;
      v.dataset.field = vp; row.querySelector(`#${v.id}-err`).dataset.errorFor = vp;
    });
  }
  rows.addEventListener('input', paths);
  for (const [k, v] of Object.entries(limits || {})) add(k, String(v));
  const el = h('fieldset', { class: `group ${name === 'limits' ? 'limits' : 'leaching-limits'}` }, h('legend', {}, title),
    h('p', { class: 'hint' }, hint),
    h('p', { class: 'field-error', 'data-error-for': name }),
    rows,
    h('button', { type: 'button', class: 'secondary', onclick: () => { add().querySelector('input').focus(); } }, addLabel),
    h('datalist', { id: listId }, SUBSTANCES.map((x) => h('option', { value: x }))));
  const filled = () => [...rows.children].map((row, i) => ({
    i,
    sub: row.querySelector(`[name="${name}.substance"]`).value.trim(),
    raw: row.querySelector(`[name="${name}.value"]`).value.trim(),
  })).filter((r) => r.sub || r.raw);
  return {
    el,
    add,
    /* The limits object, or undefined when no row is filled. Values are numbers (decimal comma allowed). */
    value() {
      const out = {};
      for (const r of filled()) out[r.sub] = r.raw === '' ? r.raw : (parseNumber(r.raw).value ?? NaN);
      return Object.keys(out).length ? out : undefined;
    },
    /* The form's own problems: a row without substance or value, a substance twice, a value that is no number. */
    check() {
      const probs = [];
      const seen = new Set();
      paths();
      for (const r of filled()) {
        if (!r.sub) { probs.push({ field: `${name}[${r.i}]`, message: t('check.required') }); continue; }
        if (seen.has(r.sub.toLowerCase())) probs.push({ field: `${name}[${r.i}]`, message: t('limits.twice') });
        seen.add(r.sub.toLowerCase());
        if (r.raw === '') probs.push({ field: `${name}.${r.sub}`, message: t('check.required') });
        else if (parseNumber(r.raw).error) probs.push({ field: `${name}.${r.sub}`, message: t(`num.${parseNumber(r.raw).error}`, { v: r.raw }) });
      }
      return probs;
    },
  };
}
