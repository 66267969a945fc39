/*
 * language.test.mjs - the bokmål UI shows no English and no internal
 * codes, on every main view, for every role, on a 375 x 740 phone and a
 * 1366 x 800 desktop; the English UI shows no codes either.
 *
 * What a view "shows" is its visible text (innerText) plus the labels a
 * screen reader reads (aria-label, placeholder, title). A word counts as
 * English when the English UI catalogue (web/src/i18n.js) or the server's
 * English message templates (the keys of web/src/messages/nb.json) use it
 * and no bokmål text does, less a short list of words both languages
 * write the same way (units, proper names). A code is a material code
 * from /api/materials ("rock.blasted") or a snake_case identifier
 * ("capacity_per_year"). Each view is screenshotted into MB_ARTIFACTS as
 * lang-LANG-WIDTH-VIEW.png.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';

const webDir = process.env.MB_WEB_DIR || join(import.meta.dirname, '../../web');
const server = JSON.parse(readFileSync(join(webDir, 'src/messages/nb.json'), 'utf8'));
const { catalogues } = await import(join(webDir, 'src/i18n.js'));

const words = (s) => String(s).toLowerCase().replace(/\{[^}]*\}|%[-+ #0-9.]*[a-z]+/g, ' ')
  .match(/\p{L}[\p{L}'’-]*\p{L}|\p{L}/gu) || [];
const nbWords = new Set();
for (const v of [...Object.values(catalogues.nb), ...Object.values(server)]) for (const w of words(v)) nbWords.add(w);
// Words bokmål and English write alike, or names that are no language.
const ALLOWED = new Set(['ok', 'e-post', 'co2', 'co₂', 'fm3', 'lm3', 'pm3', 'm3', 'kg', 'km', 'nok', 'pdf', 'csv', 'xlsx',
  'geojson', 'qr', 'api', 'id', 'url', 'utm', 'wgs84', 'euref89', 'english', 'norsk', 'bokmål', 'massebank', 'massebanken',
  'leaflet', 'openstreetmap', 'kartverket', 'sankey', 'mef', 'ikap', 'ssb', 'nve', 'epd', 'demo', 'pb', 'cd', 'cu', 'cr',
  'hg', 'ni', 'zn', 'euro', 'as', 'pah', 'pcb', 'thc', 'btex', 'mg', 'min', 'max', 'status', 'plan', 'total', 'start', 'stopp']);
const enWords = new Set();
for (const v of [...Object.values(catalogues.en), ...Object.keys(server)]) {
  for (const w of words(v)) if (w.length >= 3 && !nbWords.has(w) && !ALLOWED.has(w)) enWords.add(w);
}

let srv; let browser; let mats; const ids = {};
before(async () => {
  srv = await startServer(); browser = await openBrowser();
  mats = (await apiGet(srv.base, '/api/materials')).materials.map((m) => m.code);
  const supply = await apiGet(srv.base, '/api/listings?type=supply&per_page=1');
  const need = await apiGet(srv.base, '/api/listings?type=need&per_page=1');
  const fac = await apiGet(srv.base, '/api/facilities?per_page=1');
  const all = await apiGet(srv.base, '/api/listings?type=supply&per_page=500');
  ids.dirty = all.items.find((x) => x.class === 3)?.id;
  assert.ok(ids.dirty, 'the demo has a class-3 surplus');
  ids.supply = supply.items[0].id; ids.need = need.items[0].id; ids.facility = fac.items[0].id;
  const op = await apiToken(srv.base, 'deponi');
  const deals = await apiGet(srv.base, '/api/deals', op);
  ids.deal = deals.items[0].id;
  const loads = await apiGet(srv.base, `/api/deals/${ids.deal}/deliveries`, op);
  ids.ticket = loads.items.find((x) => x.code)?.code;
});
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

/* The views to sweep: [who (null: signed out), name, path, a selector the view shows when drawn]. */
const views = () => [
  [null, 'sign-in', '#/logg-inn', 'form'],
  [null, 'sign-up', '#/registrer', 'form'],
  [null, 'map', '#/kart', '#map[data-ready="1"]'],
  [null, 'ticket', `t/${ids.ticket}`, '.ticket-state'],
  [null, 'guide-visitor', '#/kom-i-gang', 'ol.guide-steps'],
  ['utbygger', 'mine', '#/mine', 'table.mine-table, .empty, .note'],
  ['utbygger', 'new-listing', '#/ny', 'form.listing-form'],
  ['utbygger', 'supply', `#/annonse/${ids.supply}`, '.matches-table tbody tr, .empty, .note'],
  ['entreprenor', 'contaminated', `#/annonse/${ids.dirty}`, '.matches-table tbody tr'],
  ['entreprenor', 'need', `#/annonse/${ids.need}`, 'h1'],
  ['entreprenor', 'alerts', '#/varsler', 'h1'],
  ['entreprenor', 'messages', '#/meldinger', 'h1'],
  ['deponi', 'facility', `#/anlegg/${ids.facility}`, 'h1'],
  ['deponi', 'new-facility', '#/nytt-anlegg', 'form'],
  ['deponi', 'deals', '#/avtaler', 'table.deals-table, .empty, .note'],
  ['deponi', 'deal', `#/avtale/${ids.deal}`, 'table.loads-table, .empty, .note'],
  ['transport', 'jobs', '#/oppdrag', 'h1'],
  ['transport', 'guide', '#/kom-i-gang', 'ol.guide-steps'],
  ['transport', 'empty-mine', '#/mine', '.empty[data-empty="listings"]'],
  ['kommune', 'plan', '#/plan', 'form'],
  ['kommune', 'dashboard', '#/dashbord', 'h1'],
  ['kommune', 'guide', '#/kom-i-gang', 'ol.guide-steps'],
  ['admin', 'approvals', '#/godkjenning', 'h1'],
];

/* What the page shows: visible text and the labels read aloud. */
const shown = (page) => page.evaluate(() => {
  const parts = [document.body.innerText];
  for (const e of document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')) {
    if (e.closest('[hidden], .leaflet-control-attribution')) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (e.getAttribute(a)) parts.push(e.getAttribute(a));
  }
  return parts.join('\n');
});

/* The English words and codes in text, as "word" or "code: x". */
function foreign(text, lang) {
  const bad = new Set();
  const codes = new RegExp(`(?<![\\w.])(${mats.map((c) => c.replace(/[.*]/g, '\\$&')).join('|')})(?![\\w.])`, 'g');
  for (const m of text.matchAll(codes)) bad.add(`code: ${m[1]}`);
  for (const m of text.matchAll(/\b[a-z]+_[a-z_]+\b|\b[a-z]+\.\*/g)) bad.add(`code: ${m[0]}`);
  if (lang === 'nb') for (const w of words(text)) if (enWords.has(w)) bad.add(w);
  return [...bad];
}

async function sweep(lang, width, height) {
  const found = [];
  const pages = new Map();
  for (const [who, name, path, ready] of views()) {
    let page = pages.get(who);
    if (!page) {
      page = await newPage(browser, srv.base, { width, height });
      if (who) await signIn(page, srv.base, who); else await page.goto(`${srv.base}/#/logg-inn`);
      await page.evaluate((l) => localStorage.setItem('mb-lang', l), lang);
      pages.set(who, page);
    }
    await page.goto(`${srv.base}/${path}`);
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
    // What is folded away is read too (a match's exclusions).
    await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
    await shot(page, `lang-${lang}-${width}-${name}`);
    for (const w of foreign(await shown(page), lang)) found.push(`[${name}${who ? ` as ${who}` : ''}] ${w}`);
    assert.deepEqual(page.errors || [], [], `${name}: no script errors`);
  }
  for (const p of pages.values()) await p.context().close();
  return found;
}

test('the vocabulary check knows English when it sees it', () => {
  for (const w of ['wrong', 'unknown', 'landfills', 'loads', 'solved']) assert.ok(enWords.has(w), w);
  for (const w of ['masser', 'lass', 'deponi', 'plan', 'status']) assert.ok(!enWords.has(w), w);
  assert.deepEqual(foreign('Tar også imot: soil.moraine, soil.sand, rock.*', 'nb').sort(), ['code: rock.*', 'code: soil.moraine', 'code: soil.sand']);
  assert.deepEqual(foreign('unknown landfills', 'nb').sort(), ['landfills', 'unknown']);
});

test('bokmål on a phone (375 x 740): no English, no codes', async () => {
  const found = await sweep('nb', 375, 740);
  assert.deepEqual(found, [], `English or codes in the bokmål UI:\n  ${found.join('\n  ')}`);
});

test('bokmål on a desktop (1366 x 800): no English, no codes', async () => {
  const found = await sweep('nb', 1366, 800);
  assert.deepEqual(found, [], `English or codes in the bokmål UI:\n  ${found.join('\n  ')}`);
});

test('English on a phone and a desktop: no codes', async () => {
  const found = [...await sweep('en', 375, 740), ...await sweep('en', 1366, 800)];
  assert.deepEqual(found, [], `codes in the English UI:\n  ${found.join('\n  ')}`);
});
