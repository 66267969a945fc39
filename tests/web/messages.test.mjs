/*
 * messages.test.mjs - conversations in the browser: a contractor on a
 * phone asks about a developer's surplus; the developer sees the unread
 * count in the menu, opens the inbox, answers in the asker's thread; the
 * contractor sees the answer; a second asker sees none of it; in a deal,
 * the hauler writes and the parties read it. Bokmål, axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

test('a question before a deal, answered; a deal conversation', async () => {
  const devToken = await apiToken(srv.base, 'utbygger');
  const devOrg = (await apiGet(srv.base, '/api/me', devToken)).organisation;
  const list = await apiGet(srv.base, `/api/listings?type=supply&org=${devOrg.id}&status=published&per_page=5`);
  const listing = list.items[0];
  assert.ok(listing);

  const con = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(con, srv.base, 'entreprenor');
  await con.goto(`${srv.base}/#/annonse/${listing.id}`);
  const q = con.locator('section.conversation');
  await q.getByText('Ingen meldinger ennå.').waitFor();
  await q.getByRole('button', { name: 'Send' }).click();
  await q.locator('[data-error-for="body"]').filter({ hasText: /./ }).waitFor();
  await q.getByLabel('Melding').fill('Er massene fri for leire?\nVi trenger 300 t i mai.');
  await q.getByRole('button', { name: 'Send' }).click();
  await q.locator('.message.mine', { hasText: 'Er massene fri for leire?' }).waitFor();
  const width = await con.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the listing page is ${width} px wide on a 375 px phone`);
  const v1 = await checkA11y(con);
  assert.deepEqual(v1, [], `axe on the listing with a question:\n  ${v1.join('\n  ')}`);
  await shot(con, 'messages-question-phone');

  const dev = await newPage(browser, srv.base);
  await signIn(dev, srv.base, 'utbygger');
  const navLink = dev.locator('#main-nav a[data-route="meldinger"]');
  await navLink.locator('.count').waitFor();
  assert.match(await navLink.innerText(), /Meldinger\s+\d+/);
  await navLink.click();
  await dev.locator('ul.inbox li.unread a', { hasText: listing.title }).first().click();
  await dev.waitForURL(new RegExp(`#/annonse/${listing.id}`));
  const thread = dev.locator('section.conversation .thread', { hasText: 'Er massene fri for leire?' });
  await thread.getByRole('heading', { name: /Fra Entreprenør/ }).waitFor();
  await thread.getByLabel('Melding').fill('Ja, ren sprengstein. Ring gjerne.');
  await thread.getByRole('button', { name: 'Send' }).click();
  await dev.locator('.message.mine', { hasText: 'Ja, ren sprengstein.' }).waitFor();
  const v2 = await checkA11y(dev);
  assert.deepEqual(v2, [], `axe on the owner's questions:\n  ${v2.join('\n  ')}`);

  await con.reload();
  await con.locator('.message.theirs', { hasText: 'Ja, ren sprengstein.' }).waitFor();
  // another organisation sees neither question nor answer
  const op = await newPage(browser, srv.base);
  await signIn(op, srv.base, 'deponi');
  await op.goto(`${srv.base}/#/annonse/${listing.id}`);
  await op.locator('section.conversation').getByText('Ingen meldinger ennå.').waitFor();
  assert.equal(await op.locator('.message', { hasText: 'sprengstein' }).count(), 0);

  // a deal: the hauler writes, the developer reads
  const conToken = await apiToken(srv.base, 'entreprenor');
  const haulOrg = (await apiGet(srv.base, '/api/me', await apiToken(srv.base, 'transport'))).organisation.id;
  const r = await fetch(`${srv.base}/api/listings/${listing.id}/deals`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${conToken}` },
    body: JSON.stringify({ amount: { value: 20, unit: 't' }, hauler_org: haulOrg }),
  });
  assert.equal(r.status, 201);
  const deal = await r.json();
  const hau = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(hau, srv.base, 'transport');
  await hau.goto(`${srv.base}/#/avtale/${deal.id}`);
  const dm = hau.locator('section.conversation');
  await dm.getByLabel('Melding').fill('Vi kan kjøre fra mandag kl. 7.');
  await dm.getByRole('button', { name: 'Send' }).click();
  await dm.locator('.message.mine', { hasText: 'mandag kl. 7' }).waitFor();
  await dev.goto(`${srv.base}/#/avtale/${deal.id}`);
  await dev.locator('section.conversation .message.theirs', { hasText: 'mandag kl. 7' }).waitFor();
  // the municipality reads the deal, not the parties' conversation
  const mun = await newPage(browser, srv.base);
  await signIn(mun, srv.base, 'kommune');
  await mun.goto(`${srv.base}/#/avtale/${deal.id}`);
  await mun.locator('section.conversation').getByText('Samtalen i avtalen er bare for partene.').waitFor();
  for (const p of [con, dev, op, hau, mun]) await p.close();
});
