/*
 * listings.test.mjs - sign in, create a listing through the form, see it
 * on the map (marker present, popup opens on click), and bad input that
 * is refused with the message next to the field and nothing saved.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function fillListing(page, v) {
  const f = page.locator('form.listing-form');
  await f.getByLabel('Type annonse').selectOption(v.type || 'supply');
  await f.getByLabel('Tittel').fill(v.title ?? '');
  await f.getByLabel('Materiale', { exact: true }).selectOption(v.material || 'rock.blasted');
  await f.getByLabel('Mengde', { exact: true }).fill(String(v.amount ?? ''));
  await f.getByLabel('Enhet').selectOption(v.unit || 't');
  await f.getByLabel('Fra måned').fill(v.from ?? '');
  await f.getByLabel('Til måned').fill(v.to ?? '');
  await f.getByLabel('Breddegrad (N)').fill(String(v.lat ?? ''));
  await f.getByLabel('Lengdegrad (Ø)').fill(String(v.lon ?? ''));
  if (v.cls) await f.getByLabel('Tilstandsklasse (1–5)').selectOption(String(v.cls));
}

async function count(token) {
  const r = await apiGet(srv.base, '/api/listings?status=draft,published,reserved,closed&per_page=1', token);
  return r.total;
}

test('create a listing via the form, with unit conversion and lab class, and find it on the map', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  assert.match(await page.locator('.who').innerText(), /Ulrik|utbygger/i);
  await page.goto(`${srv.base}/#/ny`);
  await fillListing(page, { title: 'Sprengstein fra testtomta', amount: 1000, unit: 'fm3', from: '2026-03', to: '2026-08', lat: 63.43, lon: 10.39 });
  // 1000 fm3 of blasted rock at 2.7 t/fm3 is 2 700 t (Norwegian format, space thousands).
  await page.waitForFunction(() => /2\s700/.test(document.querySelector('.conversion').textContent));
  await page.getByRole('button', { name: 'Legg til stoff' }).click();
  await page.locator('[data-field="lab[0].substance"]').fill('Pb');
  await page.locator('[data-field="lab[0].value"]').fill('80');
  await page.waitForFunction(() => document.querySelector('.lab-result')?.dataset.class === '2');
  assert.match(await page.locator('.lab-result').innerText(), /Pb/);
  await shot(page, 'listing-form');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await page.waitForURL(/#\/annonse\/\d+/);
  const id = Number(page.url().match(/annonse\/(\d+)/)[1]);
  assert.ok(id > 0);
  await page.getByRole('heading', { level: 1, name: 'Sprengstein fra testtomta' }).waitFor();
  const saved = await apiGet(srv.base, `/api/listings/${id}`);
  assert.equal(saved.status, 'published');
  assert.equal(saved.class, 2);
  assert.deepEqual(saved.amount, { value: 1000, unit: 'fm3' });

  await page.goto(`${srv.base}/#/kart?vis=${id}`);
  const marker = page.locator(`.mb-site-${id}`);
  await marker.waitFor({ state: 'visible' });
  await page.locator('.leaflet-popup-content', { hasText: 'Sprengstein fra testtomta' }).waitFor();
  await page.locator('.leaflet-popup-close-button').click();
  await page.locator('.leaflet-popup').waitFor({ state: 'detached' });
  await marker.click();
  const popup = page.locator('.leaflet-popup-content');
  await popup.waitFor();
  assert.match(await popup.innerText(), /Sprengstein fra testtomta/);
  assert.ok(Number(await page.locator('#map').getAttribute('data-count')) > 400, 'the demo sites (460) are on the map too');
  assert.ok(await page.locator('.leaflet-overlay-pane path').count() >= 1, 'the Norway outline is drawn without tiles');
  await shot(page, 'map-new-listing');
  await popup.getByRole('link', { name: 'Vis detaljer' }).click();
  await page.waitForURL(new RegExp(`#/annonse/${id}`));
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('bad input is refused next to the field and nothing is saved', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  const token = await apiToken(srv.base, 'utbygger');
  const before = await count(token);
  await page.goto(`${srv.base}/#/ny`);
  const form = page.locator('form.listing-form');
  const errorOf = (field) => form.locator(`[data-error-for="${field}"]`);
  const save = () => page.getByRole('button', { name: 'Lagre og publiser' }).click();

  // Missing title, negative amount and a reversed window: caught in the form.
  await fillListing(page, { title: '', amount: -5, from: '2026-08', to: '2026-03', lat: 63.43, lon: 10.39, cls: 1 });
  await save();
  await errorOf('title').filter({ hasText: /Må fylles ut/ }).waitFor();
  assert.match(await errorOf('amount.value').innerText(), /negativ/);
  assert.match(await errorOf('window.to').innerText(), /slutter før/i);
  assert.equal(await form.getByLabel('Tittel').getAttribute('aria-invalid'), 'true');
  assert.ok(await form.locator('.error-summary').isVisible());
  await shot(page, 'form-errors-client');

  // A position outside Norway (latitude and longitude swapped): the API's message, next to "lat".
  await fillListing(page, { title: 'Feil posisjon', amount: 100, from: '2026-03', to: '2026-08', lat: 10.7, lon: 59.9, cls: 1 });
  await save();
  await errorOf('lat').filter({ hasText: /ligger utenfor Norge/ }).waitFor();
  assert.equal(await errorOf('title').innerText(), '');
  assert.match(page.url(), /#\/ny/);
  await shot(page, 'form-errors-api');

  // A lab value the API refuses: shown at lab[0].value by the API's path.
  await fillListing(page, { title: 'Feil analyse', amount: 100, from: '2026-03', to: '2026-08', lat: 63.43, lon: 10.39 });
  await form.getByLabel('Tilstandsklasse (1–5)').selectOption('');
  await page.getByRole('button', { name: 'Legg til stoff' }).click();
  await page.locator('[data-field="lab[0].substance"]').fill('Pb');
  await page.locator('[data-field="lab[0].value"]').fill('>5');
  await save();
  await errorOf('lab[0].value').filter({ hasText: /\S/ }).waitFor();

  assert.equal(await count(token), before, 'no listing was saved');
  await page.context().close();
});

test('a need with accepts, max class and a limit; a bad limit is refused next to its field', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  const token = await apiToken(srv.base, 'utbygger');
  const before = await count(token);
  await page.goto(`${srv.base}/#/ny`);
  const form = page.locator('form.listing-form');
  await fillListing(page, { type: 'need', title: 'Fyllmasser til ny veg', material: 'product.crushed.0-32', amount: 800, from: '2026-04', to: '2026-09', lat: 63.42, lon: 10.41 });
  assert.ok(await form.getByRole('group', { name: /Tar også imot/ }).isVisible(), 'accepts shows for a need');
  assert.ok(!(await form.getByRole('button', { name: 'Legg til stoff' }).isVisible()), 'lab rows are for a supply only');
  await form.getByLabel('Høyeste tilstandsklasse som tas imot (1–5)').selectOption('2');
  await form.getByLabel('Hele gruppen: Stein og fjell').check();
  await form.getByLabel('Grus', { exact: true }).check();
  await form.getByRole('button', { name: 'Legg til grenseverdi' }).click();
  await form.locator('.limit-row').getByLabel('Stoff').fill('Pb');
  await form.locator('.limit-row').getByLabel('Grense').fill('-1');
  const save = () => page.getByRole('button', { name: 'Lagre og publiser' }).click();

  // -1 mg/kg is out of range: the API's message at limits.Pb, next to the limit's value field.
  await save();
  const err = form.locator('[data-error-for="limits.Pb"]');
  await err.filter({ hasText: /mellom 0 og 1[\s\u00a0\u202f]?000[\s\u00a0\u202f]?000/ }).waitFor();
  assert.equal(await form.locator('.limit-row').getByLabel('Grense').getAttribute('aria-invalid'), 'true');
  assert.match(page.url(), /#\/ny/);
  assert.equal(await count(token), before, 'nothing saved');
  await shot(page, 'need-limit-error');

  await form.locator('.limit-row').getByLabel('Grense').fill('45,5');
  await save();
  await page.waitForURL(/#\/annonse\/\d+/);
  const id = Number(page.url().match(/annonse\/(\d+)/)[1]);
  const saved = await apiGet(srv.base, `/api/listings/${id}`);
  assert.equal(saved.type, 'need');
  assert.equal(saved.max_class, 2);
  assert.deepEqual(saved.accepts, ['rock.*', 'soil.gravel']);
  assert.deepEqual(saved.limits, { Pb: 45.5 });
  await page.getByText('Pb 45,5 mg/kg').waitFor();
  assert.equal(await count(token), before + 1);

  // Editing keeps the boxes and rows as saved.
  await page.goto(`${srv.base}/#/rediger/${id}`);
  await form.waitFor();
  assert.ok(await form.getByLabel('Hele gruppen: Stein og fjell').isChecked());
  assert.equal(await form.locator('.limit-row').getByLabel('Grense').inputValue(), '45.5');
  await page.context().close();
});
