/*
 * parties.test.mjs - who the other side is, in the browser: the developer
 * publishes its contact from "Mine annonser"; the contractor reserves the
 * developer's surplus, choosing its own receiving site and the hauler by
 * name; the deal page names every party with phone and e-mail as links;
 * the hauler on a phone sees the same, the page fits the screen, and the
 * deal list names the counterpart. In bokmål, axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

test('a contact published, a reservation by names, the parties on the deal', async () => {
  const dev = await newPage(browser, srv.base);
  await signIn(dev, srv.base, 'utbygger');
  const box = dev.locator('details.contact-box');
  await box.locator('summary').click();
  await box.getByLabel('Kontaktperson').fill('Ulla Utbygger');
  await box.getByLabel('Telefon').fill('12 34');
  await box.getByRole('button', { name: 'Lagre kontaktinformasjon' }).click();
  await box.locator('[data-error-for="phone"]').filter({ hasText: /./ }).waitFor();
  await box.getByLabel('Telefon').fill('+47 900 00 001');
  await box.getByLabel('E-post').fill('ulla@utbygger.no');
  await box.getByRole('button', { name: 'Lagre kontaktinformasjon' }).click();
  await box.getByText('Kontaktinformasjonen er lagret.').waitFor();
  const violations = await checkA11y(dev);
  assert.deepEqual(violations, [], `axe on Mine with the contact form:\n  ${violations.join('\n  ')}`);

  const devToken = await apiToken(srv.base, 'utbygger');
  const devOrg = (await apiGet(srv.base, '/api/me', devToken)).organisation;
  const list = await apiGet(srv.base, `/api/listings?type=supply&org=${devOrg.id}&status=published&per_page=20`);
  const listing = list.items.find((x) => (x.available_t ?? 1000) >= 200);
  assert.ok(listing, 'a published surplus of the developer');
  const hauler = (await apiGet(srv.base, '/api/me', await apiToken(srv.base, 'transport'))).organisation;

  const con = await newPage(browser, srv.base);
  await signIn(con, srv.base, 'entreprenor');
  await con.goto(`${srv.base}/#/annonse/${listing.id}`);
  // the listing names its owner and how to reach them
  await con.locator('dl.facts').getByText('ulla@utbygger.no').waitFor();
  const form = con.locator('form.reserve-form');
  await form.getByLabel('Mengde', { exact: true }).fill('50');
  await con.waitForFunction(() => document.querySelector('[data-field="hauler_org"]').options.length > 1);
  await form.getByLabel('Transportør (valgfritt)').selectOption({ label: hauler.name });
  const siteSel = form.getByLabel('Deres sted (valgfritt)');
  await con.waitForFunction(() => document.querySelector('[data-field="counterpart_site"]').options.length > 1);
  const labels = await siteSel.locator('option').allInnerTexts();
  assert.ok(labels.slice(1).every((l) => !/^\d+$/.test(l)), 'sites by name, not by id');
  await form.getByRole('button', { name: 'Reserver' }).click();
  await con.waitForURL(/#\/avtale\/\d+/);
  const dealId = Number(con.url().match(/avtale\/(\d+)/)[1]);
  const parties = con.locator('section.parties');
  await parties.waitFor();
  const text = await parties.innerText();
  assert.ok(text.includes(devOrg.name), text);
  assert.match(text, /Ulla Utbygger/);
  assert.equal(await parties.getByRole('link', { name: /Ring Ulla Utbygger/ }).getAttribute('href'), 'tel:+4790000001');
  assert.equal(await parties.getByRole('link', { name: /Send e-post til Ulla Utbygger/ }).getAttribute('href'), 'mailto:ulla@utbygger.no');
  assert.ok(text.includes(hauler.name), text);

  const hau = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(hau, srv.base, 'transport');
  await hau.goto(`${srv.base}/#/avtale/${dealId}`);
  await hau.locator('section.parties').getByText('Ulla Utbygger').waitFor();
  await shot(hau, 'parties-hauler-phone');
  const v2 = await checkA11y(hau);
  assert.deepEqual(v2, [], `axe on the deal page on a phone:\n  ${v2.join('\n  ')}`);
  await hau.goto(`${srv.base}/#/avtaler`);
  const row = hau.locator('tr.deal-row', { has: hau.locator(`a[href="#/avtale/${dealId}"]`) });
  assert.equal(await row.locator('td.counterpart').innerText(), devOrg.name);
  for (const p of [dev, con, hau]) await p.close();
});
