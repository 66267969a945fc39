/*
 * alerts.test.mjs - alerts in the browser: a contractor on a phone saves
 * a search (a missing name is refused in bokmål next to the field), the
 * developer publishes surplus rock that fits, the contractor sees the
 * count in the menu and the alert with its reason, opens it and it is
 * read; the unsubscribe link of a mail asks before it stops the mail.
 * Bokmål and English, 375 px, axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, openBrowser, newPage, signIn, apiToken, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function publish(token, body) {
  const r = await fetch(`${srv.base}/api/listings?status=published`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text);
}

test('a saved search, an alert, read; the unsubscribe page', async () => {
  const con = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(con, srv.base, 'entreprenor');
  await con.goto(`${srv.base}/#/varsler`);
  await con.getByRole('heading', { name: 'Varsler', level: 1 }).waitFor();
  await con.getByRole('heading', { name: 'Ingen varsler ennå' }).waitFor();
  const form = con.locator('form.saved-search-form');
  await form.getByRole('button', { name: 'Lagre søket' }).click();
  await form.locator('[data-error-for="name"]', { hasText: 'Må fylles ut.' }).waitFor();
  await form.getByLabel('Navn på søket').fill('Stein til Heimdal');
  await form.getByLabel('Materiale').selectOption('rock.*');
  await form.getByLabel('Tilstandsklasse').selectOption('2');
  await form.getByLabel('E-post', { exact: true }).selectOption('none');
  await form.getByRole('button', { name: 'Lagre søket' }).click();
  await con.locator('ul.saved-searches li', { hasText: 'Stein til Heimdal' }).waitFor();
  assert.match(await con.locator('ul.saved-searches li').first().innerText(), /Overskudd · Stein og fjell · klasse 2 eller lavere · Ingen e-post/);
  const v1 = await checkA11y(con);
  assert.deepEqual(v1, [], `axe on the alerts page:\n  ${v1.join('\n  ')}`);

  const dev = await apiToken(srv.base, 'utbygger');
  const lst = await publish(dev, {
    type: 'supply', title: 'Sprengstein Tiller', lat: 63.36, lon: 10.37, material: 'rock.blasted',
    class: 1, amount: { value: 12000, unit: 't' }, window: { from: '2026-05', to: '2026-09' },
  });
  // the alert thread raises it within a few seconds
  const navLink = con.locator('#main-nav a[data-route="varsler"]');
  for (let i = 0; i < 50; i++) {
    await con.reload();
    if (await con.locator('ul.alerts li', { hasText: 'Sprengstein Tiller' }).count()) break;
    await con.waitForTimeout(200);
  }
  const item = con.locator('ul.alerts li.unread', { hasText: 'Sprengstein Tiller' });
  await item.waitFor();
  assert.match(await item.innerText(), /Passer søket «Stein til Heimdal»/);
  assert.match(await item.innerText(), /Overskudd · Sprengstein \(dagsone\) · tilstandsklasse 1 · 12\s000 t/);
  await navLink.locator('.count').waitFor({ state: 'attached' });
  const width = await con.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the alerts page is ${width} px wide on a 375 px phone`);
  await shot(con, 'alerts-phone');
  await item.getByRole('link', { name: 'Sprengstein Tiller' }).click();
  await con.waitForURL(new RegExp(`#/annonse/${lst.id}`));
  await con.goto(`${srv.base}/#/varsler`);
  await con.locator('ul.alerts li', { hasText: 'Sprengstein Tiller' }).waitFor();
  assert.equal(await con.locator('ul.alerts li.unread', { hasText: 'Sprengstein Tiller' }).count(), 0, 'read once opened');

  // English
  const en = await newPage(browser, srv.base, { lang: 'en' });
  await en.goto(`${srv.base}/#/logg-inn`);
  await en.getByLabel('E-mail').fill('entreprenor@demo.massebank.no');
  await en.getByLabel('Password').fill('massebank-demo');
  await en.getByRole('button', { name: 'Sign in' }).click();
  await en.waitForURL(/#\/mine/);
  await en.goto(`${srv.base}/#/varsler`);
  await en.getByText('Fits your search "Stein til Heimdal"').first().waitFor();

  // the unsubscribe link (its token is in the mail; here read from the store)
  const token = execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(c.execute("SELECT p.token FROM alert_pref p JOIN user u ON u.id=p.user_id WHERE u.email='entreprenor@demo.massebank.no'").fetchone()[0])`, srv.db]).toString().trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  const out = await newPage(browser, srv.base, { width: 375, height: 812 });
  await out.goto(`${srv.base}/#/avmeld/${token}`);
  await out.getByText('Vil du slutte å få e-postvarsler til entreprenor@demo.massebank.no?').waitFor();
  await out.getByRole('button', { name: 'Avslutt e-postvarsler' }).click();
  await out.getByText('Ferdig. entreprenor@demo.massebank.no får ikke flere e-postvarsler.').waitFor();
  const v2 = await checkA11y(out);
  assert.deepEqual(v2, [], `axe on the unsubscribe page:\n  ${v2.join('\n  ')}`);
  await out.goto(`${srv.base}/#/avmeld/${'0'.repeat(64)}`);
  await out.getByText('Denne avmeldingslenken er ukjent eller utløpt.').waitFor();
  for (const p of [con, en, out]) assert.deepEqual(p.errors || [], []);
});
