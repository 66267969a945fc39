/*
 * words.js - the API's errors in the reader's language. Every error the
 * API gives carries, besides its English `message`, a `key` (the English
 * printf template it was made from, stable while its wording is) and the
 * `params` filled into it (docs/web.md, "Errors in the user's language").
 * worded() finds the key in the bokmål catalogue (messages/nb.json, ICU
 * MessageFormat, one entry per template: scripts/error-templates lists
 * them and fails the build's check when one is missing) and formats it
 * with intl-messageformat, numbers as Norwegians write them. In English,
 * and for a key the catalogue does not have, the server's message is
 * shown as it is.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import nb from './messages/nb.json';
import { getLang } from './i18n.js';

/* English fragments the server fills into a sentence (states, sides),
 * worded in bokmål where they are met as a whole parameter. */
const FRAGMENTS = {
  draft: 'utkast', published: 'publisert', reserved: 'reservert', closed: 'avsluttet',
  agreed: 'avtalt', completed: 'fullført', declined: 'avslått', cancelled: 'avbrutt',
  registered: 'registrert', confirmed: 'bekreftet', disputed: 'bestridt',
  pending: 'venter på godkjenning', verified: 'godkjent', rejected: 'avvist',
  supply: 'overskudd', need: 'behov', landfill: 'deponi', storage: 'mellomlager', plant: 'anlegg', quarry: 'pukkverk',
  'waits for approval': 'venter på godkjenning', 'was not approved': 'ble ikke godkjent',
  'already accepted': 'allerede godtatt', 'superseded by a later plan': 'erstattet av en nyere plan',
  hauler: 'transportøren', parties: 'partene', listings: 'annonsene', facilities: 'anleggene',
  'the listing': 'annonsen', 'the lab report': 'analyserapporten', 'the file': 'fila',
  "the listing's organisation": 'annonsens virksomhet', 'the reserving organisation': 'virksomheten som reserverte',
  'a party of the deal': 'en part i avtalen', 'the site the deal names': 'stedet avtalen nevner',
};

const formats = new Map();
const numbers = new Map();

/* A number as the server gave it, with as many decimals as it has (at
 * most 6), in Norwegian. */
function numberText(v) {
  const s = String(v);
  const d = /e/i.test(s) ? 6 : Math.min((s.split('.')[1] || '').length, 6);
  if (!numbers.has(d)) numbers.set(d, new Intl.NumberFormat('nb-NO', { maximumFractionDigits: d }));
  return numbers.get(d).format(v);
}

/* The words of one error or problem ({message, key, params}). */
export function worded(x) {
  if (!x) return '';
  if (getLang() !== 'nb' || !x.key || !Object.prototype.hasOwnProperty.call(nb, x.key)) return x.message ?? '';
  try {
    let f = formats.get(x.key);
    if (!f) {
      f = new IntlMessageFormat(nb[x.key].replace(/\{(\d+), number\}/g, '{$1}'), 'nb-NO', undefined, { ignoreTag: true });
      formats.set(x.key, f);
    }
    const values = {};
    (x.params || []).forEach((v, i) => {
      values[i] = typeof v === 'number' ? numberText(v) : (FRAGMENTS[v] ?? v);
    });
    return String(f.format(values));
  } catch (e) {
    return x.message ?? '';
  }
}

/* How many catalogue entries there are (for tests). */
export const catalogueSize = Object.keys(nb).length;
