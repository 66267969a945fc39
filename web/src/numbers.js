/*
 * numbers.js - numbers as Norwegians type them, by the same rule as the
 * server's (src/core/text.h, mb_parse_number): "12000", "12 000",
 * "1 200,5", "0,5", "0.5", "-3", "1e3". Digit groups are separated by one
 * space (or a no-break or narrow no-break space) before the decimal mark,
 * the first group of 1-3 digits and every later one of exactly 3.
 * Refused: a comma and a point together, several decimal marks, badly
 * grouped digits, and as ambiguous a single comma followed by exactly
 * three digits after a non-zero integer part of 1-3 digits ("1,200":
 * twelve hundred, or one point two?; "0,500" is 0.5). The parser is the
 * product's own rule, written once for the browser as for the server; a
 * general locale parser (such as @internationalized/number's) reads
 * "1,200" in bokmål as 1.2 without a word, which is the mistake this rule
 * exists to catch.
 */
import { getLang } from './i18n.js';

/* {value} for a number, {empty: true} for blank text, or {error} with
 * one of 'malformed', 'mixed', 'marks', 'groups', 'ambiguous', 'range'. */
export function parseNumber(raw) {
  const s = String(raw ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
  if (s === '') return { empty: true };
  const m = /^([+-]?)([0-9 ]*)(?:([.,])([0-9 ]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(s);
  if (!m) {
    if (s.includes(',') && s.includes('.')) return { error: 'mixed' };
    if ((s.match(/[.,]/g) || []).length > 1) return { error: 'marks' };
    return { error: 'malformed' };
  }
  const [, sign, int, mark, frac = '', exp] = m;
  if (int.replace(/ /g, '') === '' && frac === '') return { error: 'malformed' };
  if (/ /.test(frac) || / {2}/.test(int) || /^ | $/.test(int)) return { error: 'groups' };
  if (int.includes(' ')) {
    const groups = int.split(' ');
    if (!/^[0-9]{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^[0-9]{3}$/.test(g))) return { error: 'groups' };
  }
  const digits = int.replace(/ /g, '');
  if (mark === ',' && frac.length === 3 && !int.includes(' ') && /^[1-9][0-9]{0,2}$/.test(digits) && exp === undefined) {
    return { error: 'ambiguous' };
  }
  const v = Number(`${sign}${digits || '0'}${frac ? `.${frac}` : ''}${exp !== undefined ? `e${exp}` : ''}`);
  if (!Number.isFinite(v) || (v !== 0 && Math.abs(v) < 2.2250738585072014e-308)) return { error: 'range' };
  return { value: v === 0 ? 0 : v };
}

/* A number as a form field shows it: Norwegian digits and decimal comma
 * in bokmål ("1 200,5"), plain in English ("1200.5"); every decimal the
 * value has is kept. */
export function inputText(v) {
  if (v === null || v === undefined || v === '' || !Number.isFinite(Number(v))) return '';
  const s = String(Number(v));
  if (/e/i.test(s) || getLang() !== 'nb') return s;
  const digits = (s.split('.')[1] || '').length;
  return new Intl.NumberFormat('nb-NO', { maximumFractionDigits: digits, useGrouping: true }).format(Number(v));
}
