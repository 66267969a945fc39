/*
 * a11y.test.mjs - every main view checked by axe-core (WCAG 2 A/AA,
 * colour contrast included): map, sign-in, my listings, the new listing
 * form (empty and with errors shown), a listing with its matches, the
 * plan with a result, the dashboard, and at phone width 375 x 740 the
 * form, the map and the facility form. Each failure lists rule, impact
 * and target.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiGet } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

const found = [];
async function check(page, where) {
  for (const l of await checkA11y(page)) found.push(`[${where}] ${l}`);
}
function report() {
  const all = found.splice(0);
  assert.deepEqual(all, [], `axe violations:\n  ${all.join('\n  ')}`);
}
const mapReady = (page) => page.waitForFunction(() => document.querySelector('#map')?.dataset.ready === '1');

test('axe: map, sign-in, my listings, form with errors, listing with matches (desktop)', async () => {
  const page = await newPage(browser, srv.base);
  await page.goto(`${srv.base}/#/kart`);
  await mapReady(page);
  await check(page, 'map');
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.locator('form').waitFor();
  await check(page, 'sign-in');
  await signIn(page, srv.base, 'utbygger');
  await page.locator('table.mine-table, .note').first().waitFor();
  await check(page, 'my listings');
  await page.goto(`${srv.base}/#/ny`);
  const form = page.locator('form.listing-form');
  await form.waitFor();
  await check(page, 'new listing form');
  // The look is Designsystemet's (docs/web.md): a primary button is a
  // ds-button whose fill is the theme's accent token, a field's input a
  // ds-input, and the page's typeface the theme's (Inter, then the system's).
  const look = await page.evaluate(() => {
    const btn = [...document.querySelectorAll('form.listing-form button')].find((b) => b.classList.contains('primary'));
    const probe = document.body.appendChild(document.createElement('div'));
    probe.style.background = 'var(--ds-color-accent-base-default)';
    const accent = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return {
      token: getComputedStyle(document.documentElement).getPropertyValue('--ds-color-accent-base-default').trim(),
      cls: btn?.className, variant: btn?.dataset.variant, fill: btn && getComputedStyle(btn).backgroundColor, accent,
      input: document.querySelector('form.listing-form input[type="text"]')?.classList.contains('ds-input'),
      font: getComputedStyle(document.body).fontFamily,
    };
  });
  assert.ok(look.token, 'the Designsystemet theme (--ds-color-accent-base-default) is loaded');
  assert.match(look.cls || '', /\bds-button\b/, 'a primary button is a ds-button');
  assert.equal(look.variant, 'primary');
  assert.equal(look.fill, look.accent, 'the primary button is filled with the accent token');
  assert.notEqual(look.fill, 'rgba(0, 0, 0, 0)');
  assert.ok(look.input, 'a text field is a ds-input');
  assert.match(look.font, /^Inter\b/, 'the body uses the theme\'s typeface first');
  await form.getByLabel('Mengde', { exact: true }).fill('-1');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await form.locator('[data-error-for="amount.value"]').filter({ hasText: /\S/ }).waitFor();
  await check(page, 'new listing form with errors');
  await form.getByLabel('Type annonse').selectOption('need');
  await check(page, 'new need form');
  const list = await apiGet(srv.base, '/api/listings?type=supply&per_page=1');
  await page.goto(`${srv.base}/#/annonse/${list.items[0].id}`);
  await page.locator('.matches-table tbody tr').first().waitFor();
  await check(page, 'listing with matches');
  await page.goto(`${srv.base}/#/kart?vis=${list.items[0].id}`);
  await page.locator('.leaflet-popup-content').waitFor();
  await check(page, 'map with popup');
  await page.context().close();
  report();
});

test('axe: plan with a result and the dashboard', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan`);
  await page.locator('form.plan-form').waitFor();
  await check(page, 'plan form');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  await page.locator('.progress-text', { hasText: /Ferdig/ }).waitFor({ timeout: 60000 });
  await page.locator('svg.sankey').waitFor();
  await check(page, 'plan with result');
  await page.goto(`${srv.base}/#/dashbord`);
  await page.locator('svg.ikap-chart').waitFor();
  await check(page, 'dashboard');
  await page.context().close();
  report();
});

test('axe: phone width 375x740, the form and the map, in English too', async () => {
  const page = await newPage(browser, srv.base, { width: 375, height: 740 });
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/ny`);
  await page.locator('form.listing-form').waitFor();
  await check(page, 'phone form');
  await page.goto(`${srv.base}/#/kart`);
  await mapReady(page);
  await check(page, 'phone map');
  await page.getByRole('button', { name: 'Meny' }).click();
  await check(page, 'phone map, menu open');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Map of masses and facilities' }).waitFor();
  await mapReady(page);
  await check(page, 'phone map (English)');
  await page.context().close();

  // The facility form as the operator: one column, and clean.
  const op = await newPage(browser, srv.base, { width: 375, height: 740 });
  await signIn(op, srv.base, 'deponi');
  await check(op, 'phone my listings and facilities');
  await op.goto(`${srv.base}/#/nytt-anlegg`);
  const form = op.locator('form.facility-form');
  await form.waitFor();
  const lat = await form.getByLabel('Breddegrad (N)').boundingBox();
  const lon = await form.getByLabel('Lengdegrad (Ø)').boundingBox();
  assert.ok(lon.y > lat.y + 10, 'one column on the phone');
  assert.ok(await op.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling');
  await check(op, 'phone facility form');
  await op.getByRole('button', { name: 'Lagre og publiser' }).click();
  await form.locator('[data-error-for="name"]').filter({ hasText: /\S/ }).waitFor();
  await check(op, 'phone facility form with errors');
  await form.getByLabel('Type anlegg').selectOption('plant');
  await check(op, 'phone plant form');
  await op.context().close();
  report();
});
