/*
 * places.test.mjs - naming places in the browser: a developer on a phone
 * finds the site by its address in the listing form (typed, then chosen
 * with the arrow keys), the form shows the municipality and takes over
 * the property number, the saved listing shows both; the same in
 * English at desktop width; the map's address search moves the map; a
 * property number in another municipality is refused next to its field.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function fillRest(f, { title, amount = '1200', from = '2027-05', to = '2027-08' }) {
  await f.locator('[data-field="title"]').fill(title);
  await f.locator('[data-field="material"]').selectOption('rock.blasted');
  await f.locator('[data-field="amount.value"]').fill(amount);
  await f.locator('[data-field="window.from"]').fill(from);
  await f.locator('[data-field="window.to"]').fill(to);
  await f.locator('[data-field="class"]').selectOption('1');
}

test('a listing placed by its address on a phone, in bokmål', async () => {
  const page = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/ny`);
  const f = page.locator('form.listing-form');
  await f.waitFor();
  const search = f.getByRole('combobox', { name: 'Adresse' });
  // a first pick in Oslo, then the right one: the property follows the address
  await search.fill('økernveien 1');
  await f.getByRole('option', { name: /Økernveien 1/ }).first().click();
  await page.waitForFunction(() => /Kommune: 0301 Oslo/.test(document.querySelector('.municipality-line')?.textContent || ''));
  assert.match(await f.locator('[data-field="property"]').inputValue(), /^0301-/);
  await search.fill('munkegata 3');
  const option = f.getByRole('option', { name: /Munkegata 3/ });
  await option.first().waitFor();
  assert.equal(await search.getAttribute('aria-expanded'), 'true');
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe with the suggestions open:\n  ${violations.join('\n  ')}`);
  await search.press('ArrowDown');
  await search.press('Enter');
  await page.waitForFunction(() => /Kommune: 5001 Trondheim/.test(document.querySelector('.municipality-line')?.textContent || ''));
  assert.equal(await f.locator('[data-field="lat"]').inputValue(), '63,4288');
  assert.equal(await f.locator('[data-field="property"]').inputValue(), '5001-1/16');
  await fillRest(f, { title: 'Sprengstein Munkegata' });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the form is ${width} px wide on a 375 px phone`);
  await shot(page, 'places-address-phone');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await page.waitForURL(/#\/annonse\/\d+/);
  const id = Number(page.url().match(/annonse\/(\d+)/)[1]);
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /Kommune\s+5001 Trondheim - Tråante/);
  assert.match(facts, /Gårds- og bruksnummer\s+5001-1\/16/);
  const saved = await apiGet(srv.base, `/api/listings/${id}`);
  assert.equal(saved.municipality, '5001');
  assert.equal(saved.property, '5001-1/16');
  await page.close();
});

test('in English at desktop width, and a property in another municipality is refused', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  await page.evaluate(() => localStorage.setItem('mb-lang', 'en'));
  await page.goto(`${srv.base}/#/ny`);
  await page.reload();
  const f = page.locator('form.listing-form');
  await f.waitFor();
  const search = f.getByRole('combobox', { name: 'Address' });
  await search.fill('bærums verk');
  await f.getByRole('option', { name: /Bærums verk/ }).first().click();
  await page.waitForFunction(() => /Municipality: 3201 Bærum/.test(document.querySelector('.municipality-line')?.textContent || ''));
  await fillRest(f, { title: 'Masser Bærums verk' });
  await f.locator('[data-field="property"]').fill('5001-414/3');
  const before = await apiGet(srv.base, '/api/listings?q=Bærums&per_page=1');
  await page.getByRole('button', { name: 'Save and publish' }).click();
  const err = f.locator('[data-error-for="property"]');
  await err.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-error-for="property"]')?.textContent.includes('3201'));
  assert.match(await err.innerText(), /5001 Trondheim.*3201 Bærum|3201 Bærum.*5001 Trondheim/);
  const after = await apiGet(srv.base, '/api/listings?q=Bærums&per_page=1');
  assert.equal(after.total, before.total, 'nothing saved');
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe on the refused form:\n  ${violations.join('\n  ')}`);
  await page.close();
});

test('the map finds an address', async () => {
  const page = await newPage(browser, srv.base, { width: 390, height: 844 });
  await page.goto(`${srv.base}/#/kart`);
  const search = page.getByRole('combobox', { name: 'Finn adresse' });
  await search.fill('økernv');
  await page.getByRole('option', { name: /Økernveien/ }).first().waitFor();
  await search.press('Enter');
  // the map is now over Økern in Oslo, zoomed in
  await page.waitForFunction(() => {
    const [lat, lon, z] = (document.querySelector('#map')?.dataset.view || '0,0,0').split(',').map(Number);
    return Math.abs(lat - 59.928) < 0.01 && Math.abs(lon - 10.81) < 0.01 && z >= 15;
  });
  assert.match(await search.inputValue(), /^Økernveien \d/);
  await shot(page, 'places-map-search');
  await page.close();
});
