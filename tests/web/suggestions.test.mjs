/*
 * suggestions.test.mjs - plans that act, in the browser: the municipality
 * runs a plan of a corner of Trøndelag holding the developer's surplus
 * and the contractor's need; the contractor (on a phone, bokmål) sees the
 * suggestion worded from its side with the estimated saving, and turns
 * it into a reservation with one button (it lands on the deal); the
 * developer (desktop, English) sees it accepted. The municipality
 * compares the plan with an earlier one. Axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function call(method, path, token, body) {
  const r = await fetch(`${srv.base}${path}`, {
    method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

async function plan(token, name) {
  const job = await call('POST', '/api/plans', token, { bbox: [11.2, 63.9, 11.8, 64.1], from: '2027-01', to: '2027-12', name });
  for (let i = 0; i < 600; i++) {
    const j = await call('GET', `/api/jobs/${job.id}`, token);
    if (j.state === 'done') return j;
    assert.notEqual(j.state, 'failed', j.message);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the plan did not finish');
}

test('a suggestion becomes a reservation in one step; plans are compared', async () => {
  const dev = await apiToken(srv.base, 'utbygger');
  const con = await apiToken(srv.base, 'entreprenor');
  const mun = await apiToken(srv.base, 'kommune');
  const window = { from: '2027-05', to: '2027-06' };
  await call('POST', '/api/listings?status=published', dev, {
    type: 'supply', title: 'Sprengstein Steinkjer sentrum', lat: 63.95, lon: 11.45, material: 'rock.blasted',
    class: 1, amount: { value: 12000, unit: 't' }, window });
  await call('POST', '/api/listings?status=published', con, {
    type: 'need', title: 'Vegfylling Egge', lat: 64.02, lon: 11.52, material: 'rock.blasted',
    max_class: 2, amount: { value: 12000, unit: 't' }, window });
  const first = await plan(mun, 'Steinkjer første runde');
  const second = await plan(mun, 'Steinkjer 2027');

  const phone = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(phone, srv.base, 'entreprenor');
  await phone.goto(`${srv.base}/#/varsler`);
  const item = phone.locator('li.suggestion-item', { hasText: 'Vegfylling Egge' });
  await item.waitFor();
  assert.equal(await phone.locator('li.suggestion-item').count(), 1, 'the earlier plan\'s suggestion is superseded');
  const text = await item.locator('.suggestion-text').innerText();
  assert.match(text, /^Planen «Steinkjer 2027» \(.+\) foreslår 12[\s\u00a0\u202f]000 t fra «Sprengstein Steinkjer sentrum» \(.+\) til deres «Vegfylling Egge» i mai–juni 2027\.$/, text);
  assert.match(await item.locator('.suggestion-saving').innerText(), /^Sparer anslagsvis \d[\d\s\u00a0]*(,\d)? t CO2e mot dagens praksis estimat$/);
  const scroll = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 375, `fits the phone (${scroll} px)`);
  const v1 = await checkA11y(phone);
  assert.deepEqual(v1, [], `axe on the suggestions:\n  ${v1.join('\n  ')}`);
  await shot(phone, 'suggestion-phone');
  await item.getByRole('button', { name: 'Reserver massene' }).click();
  await phone.waitForURL(/#\/avtale\/\d+$/);
  const dealId = Number(phone.url().split('/').pop());
  const deal = await call('GET', `/api/deals/${dealId}`, con);
  assert.equal(deal.state, 'reserved');
  assert.equal(deal.amount_t, 12000);
  assert.deepEqual(deal.window, window);
  assert.match(deal.note, /Steinkjer 2027/);
  assert.deepEqual(phone.errors || [], []);
  await phone.context().close();

  const desk = await newPage(browser, srv.base, { lang: 'en' });
  await desk.goto(`${srv.base}/#/logg-inn`);
  await desk.getByLabel('E-mail').fill('utbygger@demo.massebank.no');
  await desk.getByLabel('Password').fill('massebank-demo');
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await desk.waitForURL(/#\/mine/);
  await desk.goto(`${srv.base}/#/varsler`);
  await desk.getByRole('heading', { name: 'Suggestions from regional plans' }).waitFor();
  await desk.getByText('No open suggestions.', { exact: false }).waitFor();
  await desk.context().close();

  const sug = await call('GET', '/api/suggestions?state=all', dev);
  const mine = sug.items.find((g) => g.plan.id === second.id);
  assert.equal(mine.state, 'accepted');
  assert.equal(mine.deal_id, dealId);

  // The municipality compares the plan with the earlier one.
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan/${second.id}`);
  await page.locator('.compare select').waitFor();
  await page.locator('.compare select').selectOption(String(first.id));
  const co2Row = page.locator('.compare-table tr[data-row="co2"] td');
  await co2Row.first().waitFor();
  const cells = await co2Row.allInnerTexts();
  const n = (s) => Number(s.replace(/[\s\u00a0]/g, '').replace(',', '.').replace('−', '-'));
  assert.equal(cells.length, 3);
  assert.ok(Math.abs(n(cells[0]) - second.result.plan.totals.co2_kg / 1000) < 0.051, `this plan's CO2 ${cells[0]}`);
  assert.ok(Math.abs(n(cells[1]) - first.result.plan.totals.co2_kg / 1000) < 0.051, `the other's CO2 ${cells[1]}`);
  assert.ok(Math.abs(n(cells[2]) - (n(cells[0]) - n(cells[1]))) < 0.11, 'the difference');
  const v2 = await checkA11y(page);
  assert.deepEqual(v2, [], `axe on the comparison:\n  ${v2.join('\n  ')}`);
  await shot(page, 'plan-compare');
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});
