/*
 * facilities.test.mjs - facilities for operators: the demo operator
 * (deponi@) creates a landfill with a limit value through "Nytt anlegg",
 * publishes it, finds it under "Mine anlegg" and on the map; a bad
 * capacity is refused next to its field; the form passes axe. A developer
 * sees no "Nytt anlegg" entry, is told so at the URL, and the API refuses
 * a facility POST from a developer with 403.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function countFacilities(token) {
  return (await apiGet(srv.base, '/api/facilities?status=draft,published,reserved,closed&per_page=1', token)).total;
}

test('the operator creates a landfill with a limit, publishes it and sees it on the map', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'deponi');
  const token = await apiToken(srv.base, 'deponi');
  const before = await countFacilities(token);
  await page.locator('#main-nav').getByRole('link', { name: 'Nytt anlegg' }).click();
  await page.waitForURL(/#\/nytt-anlegg/);
  const form = page.locator('form.facility-form');
  await form.waitFor();
  assert.equal(await form.getByLabel('Type anlegg').inputValue(), 'landfill');
  await form.getByLabel('Navn', { exact: true }).fill('Testdeponi Heimdal');
  await form.getByLabel('Breddegrad (N)').fill('63.35');
  await form.getByLabel('Lengdegrad (Ø)').fill('10.36');
  const accepts = form.getByRole('group', { name: 'Materialer som tas imot' });
  await accepts.getByLabel('Hele gruppen: Jord og løsmasser').check();
  await form.getByLabel('Høyeste tilstandsklasse som tas imot').selectOption('2');
  await form.getByLabel('Kapasitet per år').fill('-100');
  await form.getByLabel('Enhet').selectOption('fm3');
  await form.getByLabel('Mottaksgebyr (kr/t)').fill('120');
  await form.getByRole('button', { name: 'Legg til grenseverdi' }).click();
  await form.locator('.limit-row').getByLabel('Stoff').fill('Pb');
  await form.locator('.limit-row').getByLabel('Grense').fill('60');
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe on the facility form:\n  ${violations.join('\n  ')}`);

  // A negative capacity: the API's message next to the capacity field, nothing saved.
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await form.locator('[data-error-for="capacity_per_year.value"]').filter({ hasText: /negativ/ }).waitFor();
  assert.equal(await form.getByLabel('Kapasitet per år').getAttribute('aria-invalid'), 'true');
  assert.equal(await countFacilities(token), before, 'nothing saved');
  await shot(page, 'facility-form-error');

  await form.getByLabel('Kapasitet per år').fill('50000');
  await page.getByRole('button', { name: 'Lagre som utkast' }).click();
  await page.waitForURL(/#\/anlegg\/\d+/);
  const id = Number(page.url().match(/anlegg\/(\d+)/)[1]);
  let saved = await apiGet(srv.base, `/api/facilities/${id}`, token);
  assert.equal(saved.status, 'draft');
  assert.equal(saved.type, 'landfill');
  assert.deepEqual(saved.accepts, ['soil.*']);
  assert.deepEqual(saved.capacity_per_year, { value: 50000, unit: 'fm3' });
  assert.equal(saved.gate_fee_nok_per_t, 120);
  assert.equal(saved.max_class, 2);
  assert.deepEqual(saved.limits, { Pb: 60 });

  // "Mine anlegg" lists it as a draft; publish from there.
  await page.goto(`${srv.base}/#/mine`);
  const row = page.locator(`table.facilities-table tr[data-id="${id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Utkast/);
  await row.getByRole('button', { name: 'Publiser: Testdeponi Heimdal' }).click();
  await page.locator(`table.facilities-table tr[data-id="${id}"]`, { hasText: 'Publisert' }).waitFor();
  saved = await apiGet(srv.base, `/api/facilities/${id}`);
  assert.equal(saved.status, 'published', 'public now (read without a token)');
  const mineViolations = await checkA11y(page);
  assert.deepEqual(mineViolations, [], `axe on "Mine anlegg":\n  ${mineViolations.join('\n  ')}`);

  await page.goto(`${srv.base}/#/kart?vis=${id}`);
  await page.locator(`.mb-site-${id}`).waitFor({ state: 'visible' });
  const popup = page.locator('.leaflet-popup-content', { hasText: 'Testdeponi Heimdal' });
  await popup.waitFor();
  assert.match(await popup.innerText(), /Deponi/);
  await shot(page, 'facility-on-map');
  await popup.getByRole('link', { name: 'Vis detaljer' }).click();
  await page.waitForURL(new RegExp(`#/anlegg/${id}`));
  await page.getByText('Pb 60 mg/kg').waitFor();

  // Edit: the form comes back filled, and a change is saved with the version read.
  await page.getByRole('link', { name: 'Endre' }).click();
  await page.waitForURL(new RegExp(`#/rediger-anlegg/${id}`));
  await form.waitFor();
  // shown as Norwegians write it, a no-break space between the thousands
  assert.equal(await form.getByLabel('Kapasitet per år').inputValue(), '50\u00a0000');
  assert.ok(await accepts.getByLabel('Hele gruppen: Jord og løsmasser').isChecked());
  await form.getByLabel('Mottaksgebyr (kr/t)').fill('135');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await page.waitForURL(new RegExp(`#/anlegg/${id}\\?lagret=1`));
  saved = await apiGet(srv.base, `/api/facilities/${id}`);
  assert.equal(saved.gate_fee_nok_per_t, 135);
  assert.equal(saved.status, 'published');
  assert.equal(await countFacilities(token), before + 1);
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('a plant needs yields; a developer gets no facility menu and the API refuses with 403', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'deponi');
  await page.goto(`${srv.base}/#/nytt-anlegg`);
  const form = page.locator('form.facility-form');
  await form.getByLabel('Type anlegg').selectOption('plant');
  assert.ok(await form.getByLabel('Kapasitet per måned (inn)').isVisible(), 'the capacity follows the type');
  assert.ok(await form.locator('.yield-row').first().isVisible(), 'a plant starts with one product row');
  await form.getByLabel('Type anlegg').selectOption('quarry');
  assert.ok(await form.getByRole('group', { name: 'Materialer som selges' }).isVisible(), 'a quarry offers');
  assert.ok(!(await form.getByRole('group', { name: 'Materialer som tas imot' }).isVisible()), 'and accepts nothing');
  await page.context().close();

  const dev = await newPage(browser, srv.base);
  await signIn(dev, srv.base, 'utbygger');
  assert.equal(await dev.locator('#main-nav').getByRole('link', { name: 'Nytt anlegg' }).count(), 0, 'no menu entry');
  assert.equal(await dev.locator('.mine-facilities').count(), 0, 'no "Mine anlegg"');
  await dev.goto(`${srv.base}/#/nytt-anlegg`);
  await dev.getByText('Din rolle kan ikke legge inn anlegg').waitFor();
  assert.equal(await dev.locator('form.facility-form').count(), 0);
  await dev.context().close();

  const token = await apiToken(srv.base, 'utbygger');
  const r = await fetch(`${srv.base}/api/facilities`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'landfill', name: 'Ikke lov', lat: 63.35, lon: 10.36, accepts: ['soil.*'], capacity_per_year: { value: 1000, unit: 't' } }),
  });
  assert.equal(r.status, 403);
  const body = await r.json();
  assert.equal(body.error.field, 'role');
});
