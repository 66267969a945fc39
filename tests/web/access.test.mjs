/*
 * access.test.mjs - keyboard and phone use: tab through the sign-in form
 * and submit with Enter; at 375 x 740 the navigation collapses behind a
 * menu button that works, the map fills the width, and the listing form
 * is one column and refuses bad input next to the field; the language
 * switch sets <html lang> and the texts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, user, PASSWORD, shot } from './helpers.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

test('keyboard: skip link, tab through the sign-in form and submit with Enter', async () => {
  const page = await newPage(browser, srv.base);
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.locator('h1').waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b|\bundefined\b/, 'no "null" under the heading');
  // An empty form is refused next to each field; filling a field takes its error away.
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.locator('[data-error-for="email"]', { hasText: 'Må fylles ut.' }).waitFor();
  await page.getByLabel('E-post').fill('x');
  assert.equal(await page.locator('[data-error-for="email"]').innerText(), '');
  assert.equal(await page.getByLabel('E-post').getAttribute('aria-invalid'), null);
  assert.equal(await page.getByLabel('Passord').getAttribute('aria-invalid'), 'true', 'the other field is still wrong');
  await page.getByLabel('E-post').fill('');
  await page.reload();
  await page.locator('h1').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip', 'the skip link comes first');
  assert.ok(await page.locator('.skip').isVisible(), 'the skip link shows when focused');
  // Tab until the e-mail field has focus, typing as a keyboard user would.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.name === 'email')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.name), 'email');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(ring, 'solid', 'visible focus ring');
  await page.keyboard.type(user('entreprenor'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'password');
  await page.keyboard.type('wrong-password');
  await page.keyboard.press('Enter');
  await page.locator('[data-error-for="password"], .error-summary li').filter({ hasText: /\S/ }).first().waitFor();
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('input[name="password"]').press('Enter');
  await page.waitForURL(/#\/mine/);
  assert.match(await page.locator('.who').innerText(), /entreprenør/);
  // Every input on the listing form has a label.
  await page.goto(`${srv.base}/#/ny`);
  await page.locator('form.listing-form').waitFor();
  const unlabelled = await page.$$eval('form.listing-form input, form.listing-form select, form.listing-form textarea',
    (els) => els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.name));
  assert.deepEqual(unlabelled, []);
  await page.context().close();
});

test('phone width 375x740: menu, map and form work', async () => {
  const page = await newPage(browser, srv.base, { width: 375, height: 740 });
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/kart`);
  const toggle = page.getByRole('button', { name: 'Meny' });
  assert.ok(await toggle.isVisible(), 'menu button at phone width');
  assert.ok(!(await page.locator('#main-nav').isVisible()), 'the nav is collapsed');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.locator('#main-nav').getByRole('link', { name: 'Ny annonse' }).click();
  await page.waitForURL(/#\/ny/);
  assert.ok(!(await page.locator('#main-nav').isVisible()), 'the nav closes after a choice');
  const form = page.locator('form.listing-form');
  await form.waitFor();
  const noScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(noScroll, 'no sideways scrolling');
  const from = await form.getByLabel('Fra måned').boundingBox();
  const to = await form.getByLabel('Til måned').boundingBox();
  assert.ok(to.y > from.y + 10, 'one column: "to" below "from"');
  await form.getByLabel('Tittel').fill('');
  await form.getByLabel('Mengde', { exact: true }).fill('-1');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await form.locator('[data-error-for="amount.value"]').filter({ hasText: /negativ/ }).waitFor();
  await shot(page, 'phone-form');

  await page.goto(`${srv.base}/#/kart`);
  const map = page.locator('#map');
  await page.waitForFunction(() => document.querySelector('#map')?.dataset.ready === '1');
  const box = await map.boundingBox();
  assert.ok(box.width >= 340, `the map fills the width (${box.width})`);
  assert.ok(box.height >= 300, 'the map is tall enough');
  assert.ok(await page.locator('.leaflet-marker-icon').count() > 0, 'markers or clusters show');
  await shot(page, 'phone-map');
  await page.context().close();
});

test('language switch: English texts and <html lang>', async () => {
  const page = await newPage(browser, srv.base);
  await page.goto(`${srv.base}/#/kart`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Map of masses and facilities' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('button', { name: 'Bytt til norsk' }).click();
  await page.getByRole('heading', { level: 1, name: 'Kart over masser og anlegg' }).waitFor();
  await page.context().close();
});
