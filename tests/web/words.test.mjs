/*
 * words.test.mjs - the API's errors in the reader's language: every
 * bokmål catalogue entry (web/src/messages/nb.json) is a valid ICU
 * message using exactly its template's values; in the browser, a refused
 * sign-in and a refused listing read in bokmål (with Norwegian numbers)
 * and in English as the server words them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startServer, openBrowser, newPage, signIn, apiToken, user } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

const webDir = process.env.MB_WEB_DIR || join(import.meta.dirname, '../../web');
const nb = JSON.parse(readFileSync(join(webDir, 'src/messages/nb.json'), 'utf8'));
const require = createRequire(join(webDir, 'package.json'));
const { IntlMessageFormat } = require('intl-messageformat');
const CONV = /%(?!%)[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGcsp]/g;

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

test('every bokmål entry is a valid ICU message with its template\'s values', () => {
  const keys = Object.keys(nb);
  assert.ok(keys.length > 600, `the catalogue has every template (${keys.length})`);
  for (const k of keys) {
    const n = (k.replaceAll('%%', '').match(CONV) || []).length;
    const f = new IntlMessageFormat(nb[k].replace(/\{(\d+), number\}/g, '{$1}'), 'nb-NO', undefined, { ignoreTag: true });
    const values = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, `«v${i}»`]));
    const out = String(f.format(values));
    for (let i = 0; i < n; i++) assert.ok(out.includes(`«v${i}»`), `${k}: value ${i} is in the text: ${out}`);
    assert.ok(!/[{}]/.test(out), `${k}: no braces left: ${out}`);
  }
});

test('a refused sign-in and a refused listing, in bokmål and in English', async () => {
  const page = await newPage(browser, srv.base, { width: 375, height: 812 });
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.getByLabel('E-post').fill(user('utbygger'));
  await page.getByLabel('Passord').fill('ikke riktig passord');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.locator('[data-error-for="password"]', { hasText: 'feil e-post eller passord' }).waitFor();
  assert.deepEqual(await checkA11y(page), []);

  // A reservation the API refuses, with numbers in it: in bokmål, as
  // Norwegians write them.
  const dev = await apiToken(srv.base, 'utbygger');
  const res = await fetch(`${srv.base}/api/listings?status=published`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${dev}` },
    body: JSON.stringify({ type: 'supply', title: 'Stein til ordtest', lat: 63.4, lon: 10.4, material: 'rock.blasted',
      class: 1, amount: { value: 1000, unit: 't' }, window: { from: '2027-03', to: '2027-05' } }),
  });
  assert.equal(res.status, 201);
  const listing = await res.json();
  await signIn(page, srv.base, 'entreprenor');
  await page.goto(`${srv.base}/#/annonse/${listing.id}`);
  const form = page.locator('form', { has: page.locator('[data-field="amount.value"]') }).first();
  await form.locator('[data-field="amount.value"]').fill('1200.5');
  await form.getByRole('button', { name: 'Reserver' }).click();
  const said = page.getByText(/1[\s\u00a0\u202f]?200,5 t er mer enn det som er igjen av annonsen: 1[\s\u00a0\u202f]?000 t av 1[\s\u00a0\u202f]?000 t er tilgjengelig/).first();
  await said.waitFor();
  assert.deepEqual(page.errors || [], []);
  await page.context().close();

  const en = await newPage(browser, srv.base, { lang: 'en' });
  await en.goto(`${srv.base}/#/logg-inn`);
  await en.getByLabel('E-mail').fill(user('utbygger'));
  await en.getByLabel('Password').fill('not the password');
  await en.getByRole('button', { name: 'Sign in' }).click();
  await en.locator('[data-error-for="password"]', { hasText: 'wrong e-mail or password' }).waitFor();
  await en.context().close();
});

test('the dashboard\'s reference-data findings and a plan\'s progress, in bokmål', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/dashbord`);
  const findings = page.locator('section', { has: page.getByRole('heading', { name: 'Merknader til tallgrunnlaget' }) }).locator('li');
  await findings.first().waitFor();
  const text = (await findings.allInnerTexts()).join('\n');
  assert.match(text, /gikk til deponi i 2020/, text);
  assert.doesNotMatch(text, /went to landfill|appears again|may be the same site/, text);
  await page.goto(`${srv.base}/#/plan`);
  await page.getByLabel('Kommunenummer (kommaseparert)').fill('5001');
  await page.getByLabel('Fra måned').fill('2026-01');
  await page.getByLabel('Til måned').fill('2026-03');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  const done = page.locator('.progress-text', { hasText: /^Ferdig: / });
  await done.waitFor({ timeout: 60000 });
  assert.match(await done.innerText(), /^Ferdig: beregnet \d+ steder på \d+(,\d+)? s$/);
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('numbers as Norwegians type them: "1 200,5" is read, "1,200" is refused as ambiguous', async () => {
  const dev = await apiToken(srv.base, 'utbygger');
  const res = await fetch(`${srv.base}/api/listings?status=published`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${dev}` },
    body: JSON.stringify({ type: 'supply', title: 'Stein til talltest', lat: 63.41, lon: 10.41, material: 'rock.blasted',
      class: 1, amount: { value: 5000, unit: 't' }, window: { from: '2027-03', to: '2027-05' } }),
  });
  assert.equal(res.status, 201);
  const listing = await res.json();
  const page = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(page, srv.base, 'entreprenor');
  await page.goto(`${srv.base}/#/annonse/${listing.id}`);
  const form = page.locator('form', { has: page.locator('[data-field="amount.value"]') }).first();
  const amount = form.locator('[data-field="amount.value"]');
  assert.equal(await amount.getAttribute('type'), 'text');
  assert.equal(await amount.getAttribute('inputmode'), 'decimal');
  for (const [typed, words] of [['1,200', /kan bety to ting/], ['1,2.5', /både komma og punktum/], ['12 00', /grupperes tre og tre/], ['mye', /er ikke et tall/]]) {
    await amount.fill(typed);
    await form.getByRole('button', { name: 'Reserver' }).click();
    await form.locator('[data-error-for="amount.value"]').filter({ hasText: words }).waitFor();
    assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  }
  const token = await apiToken(srv.base, 'entreprenor');
  const before = (await (await fetch(`${srv.base}/api/deals?listing=${listing.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()).items.length;
  assert.equal(before, 0, 'nothing was reserved by the refused tries');
  await amount.fill('1 200,5');
  await form.getByRole('button', { name: 'Reserver' }).click();
  await page.waitForURL(/#\/avtale\/\d+$/);
  const deal = await (await fetch(`${srv.base}/api/deals/${page.url().split('/').pop()}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.equal(deal.amount_t, 1200.5);
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});
