/*
 * deals.test.mjs - a deal from reservation to confirmed load in the
 * browser, as its four users do it: the landfill operator reserves part of
 * the contractor's surplus, the contractor accepts, the hauler registers
 * two loads (QR code and ticket link shown), anybody opens the ticket from
 * its QR address without signing in, the receiver confirms one load and
 * disputes the other, and the contractor sees the mass balance and the
 * chain of custody. axe-core checks the deal, ticket and traceability pages.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function as(who) {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, who);
  return page;
}

test('reserve, accept, register loads, open the ticket by its QR address, confirm and dispute, trace', async () => {
  const conToken = await apiToken(srv.base, 'entreprenor');
  const conOrg = (await apiGet(srv.base, '/api/me', conToken)).organisation.id;
  const haulMe = await apiGet(srv.base, '/api/me', await apiToken(srv.base, 'transport'));
  const haulOrg = haulMe.organisation.id;
  const list = await apiGet(srv.base, `/api/listings?type=supply&org=${conOrg}&status=published&min_amount_t=500&per_page=5`);
  const listing = list.items.find((x) => x.available_t === undefined || x.available_t >= 500) || list.items[0];
  assert.ok(listing, 'a published surplus of the contractor');

  // The operator reserves 100 t, hauled by the demo hauler.
  const op = await as('deponi');
  await op.goto(`${srv.base}/#/annonse/${listing.id}`);
  const form = op.locator('form.reserve-form');
  await form.getByLabel('Mengde', { exact: true }).fill('100');
  // the hauler is picked by its name, not by a number
  const hauler = form.getByLabel('Transportør (valgfritt)');
  await op.waitForFunction(() => document.querySelector('[data-field="hauler_org"]').options.length > 1);
  await hauler.selectOption({ label: haulMe.organisation.name });
  assert.equal(await hauler.inputValue(), String(haulOrg));
  await form.getByRole('button', { name: 'Reserver' }).click();
  await op.waitForURL(/#\/avtale\/\d+/);
  const dealId = Number(op.url().match(/avtale\/(\d+)/)[1]);
  assert.equal(await op.locator('.deal-state').innerText(), 'reservert');
  // the deal names its parties
  const parties = await op.locator('section.parties').innerText();
  assert.ok(parties.includes(haulMe.organisation.name), parties);
  assert.match(parties, /Annonsen eies av/);

  // The contractor accepts.
  const con = await as('entreprenor');
  await con.goto(`${srv.base}/#/avtale/${dealId}`);
  await con.getByRole('button', { name: 'Godta avtalen' }).click();
  await con.locator('.deal-state', { hasText: 'avtalt' }).waitFor();

  // The hauler registers two loads.
  const hau = await as('transport');
  await hau.goto(`${srv.base}/#/avtale/${dealId}`);
  for (const [truck, t] of [['ZT 55555', '27.5'], ['ZT 55556', '31']]) {
    const lf = hau.locator('form.load-form');
    await lf.getByLabel('Bil (reg.nr.)').fill(truck);
    await lf.getByLabel('Mengde', { exact: true }).fill(t);
    const before = await hau.locator('tr.load-row').count();
    await lf.getByRole('button', { name: 'Registrer lass' }).click();
    await hau.waitForFunction((n) => document.querySelectorAll('tr.load-row').length === n + 1, before);
  }
  const rows = hau.locator('tr.load-row');
  assert.equal(await rows.count(), 2);
  assert.equal(await rows.first().locator('th').innerText(), '1');
  await rows.first().locator('img.qr-img').waitFor();
  const href = await rows.first().locator('a.ticket-link').getAttribute('href');
  assert.match(href, /^\/t\/[A-Za-z0-9_-]{16,}$/);
  await shot(hau, 'deal-loads');

  // Anybody with the QR address sees the ticket, without signing in.
  const anon = await newPage(browser, srv.base);
  await anon.goto(`${srv.base}${href}`);
  await anon.waitForURL(/#\/billett\//);
  await anon.locator('.ticket-state').waitFor();
  assert.match(await anon.locator('.ticket-state').innerText(), /ikke bekreftet/);
  assert.match(await anon.locator('.ticket-truck').innerText(), /ZT55555/);
  const mats = (await apiGet(srv.base, '/api/materials')).materials;
  const mat = mats.find((m) => m.code === listing.material);
  assert.equal(await anon.locator('.ticket-material').innerText(), mat.name_nb, 'the material by its Norwegian name');
  // The class, where it goes and who hauls it, readable signed out.
  assert.match(await anon.locator('.ticket-class').innerText(), /^klasse \d$/);
  assert.notEqual(await anon.locator('.ticket-to').innerText(), '–', 'where the masses go');
  assert.notEqual(await anon.locator('.ticket-from').innerText(), '–');
  assert.ok((await anon.locator('.ticket-hauler').innerText()).length > 0, 'the hauler by name');
  // The ticket's own QR, drawn signed out, for the next check at the roadside.
  const qr = anon.locator('img.ticket-qr');
  await qr.waitFor();
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image loads signed out');

  // The receiver (the operator, who reserved the surplus) confirms load 1
  // and disputes load 2 with a reason.
  await op.goto(`${srv.base}/#/avtale/${dealId}?t=1`);
  await op.locator('tr.load-row').first().getByRole('button', { name: 'Bekreft' }).click();
  await op.locator('tr.load-row.load-confirmed').waitFor();
  await op.locator('tr.load-row.load-registered').getByRole('button', { name: 'Bestrid' }).click();
  // The reason is asked in a dialog of the page (a labelled field, required).
  const dlg = op.getByRole('dialog', { name: /Bestrid lass nr\. \d+/ });
  await dlg.waitFor();
  await dlg.getByRole('button', { name: 'Bestrid' }).click();
  await dlg.locator('#dispute-err', { hasText: 'Må fylles ut.' }).waitFor();
  assert.deepEqual(await checkA11y(op), [], 'axe on the dispute dialog');
  await dlg.getByLabel('Hvorfor bestrides lasset?').fill('Vekten stemmer ikke');
  await dlg.getByRole('button', { name: 'Bestrid' }).click();
  await op.locator('tr.load-row.load-disputed').waitFor();
  assert.equal(await op.locator('dialog').count(), 0, 'the dialog is gone');
  assert.match(await op.locator('tr.load-disputed').innerText(), /Vekten stemmer ikke/);
  await anon.reload();
  await anon.locator('.ticket-state', { hasText: 'Bekreftet av mottaker' }).waitFor();

  const deal = await apiGet(srv.base, `/api/deals/${dealId}`, conToken);
  assert.equal(deal.loads.confirmed_t, 27.5);
  assert.equal(deal.loads.disputed_t, 31);

  // The contractor traces the listing: balance and custody.
  await con.goto(`${srv.base}/#/sporing/${listing.id}`);
  await con.locator('table.custody-table tbody tr').first().waitFor();
  const custody = await con.locator('table.custody-table tbody').innerText();
  assert.match(custody, new RegExp(`${dealId}, lass 1`));
  assert.ok(await con.locator('table.balance-table tbody tr').count() >= 1, 'months in the balance');
  assert.match(await con.locator('.balance-sum').innerText(), /^Planlagt .* = bekreftet .* \+ bestridt .* \+ gjenstår/);
  await shot(con, 'trace');
  for (const p of [op, con, hau, anon]) assert.deepEqual(p.errors || [], []);
  for (const p of [op, con, hau, anon]) await p.context().close();
});

test('axe: deals list, deal page, ticket page and traceability page', async () => {
  const token = await apiToken(srv.base, 'deponi');
  const deals = await apiGet(srv.base, '/api/deals', token);
  assert.ok(deals.items.length >= 1, 'the demo operator has a deal');
  const deal = deals.items[0];
  const loads = await apiGet(srv.base, `/api/deals/${deal.id}/deliveries`, token);
  const found = [];
  const page = await as('deponi');
  await page.goto(`${srv.base}/#/avtaler`);
  await page.locator('table.deals-table').waitFor();
  for (const l of await checkA11y(page)) found.push(`[deals] ${l}`);
  await page.goto(`${srv.base}/#/avtale/${deal.id}`);
  await page.locator('table.loads-table').waitFor();
  for (const l of await checkA11y(page)) found.push(`[deal] ${l}`);
  await page.goto(`${srv.base}/#/sporing/${deal.listing_id}`);
  await page.locator('h1').waitFor();
  await page.locator('table, .note').first().waitFor();
  for (const l of await checkA11y(page)) found.push(`[trace] ${l}`);
  const code = loads.items.find((x) => x.code)?.code;
  assert.ok(code, 'the operator sees its tickets with their codes');
  await page.goto(`${srv.base}/t/${code}`);
  await page.locator('.ticket-state').waitFor();
  for (const l of await checkA11y(page)) found.push(`[ticket] ${l}`);
  // The roadside inspector opens the ticket on a phone, signed out.
  const phone = await newPage(browser, srv.base, { width: 375, height: 740 });
  await phone.goto(`${srv.base}/t/${code}`);
  await phone.locator('.ticket-state').waitFor();
  for (const l of await checkA11y(phone)) found.push(`[ticket, phone] ${l}`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the ticket fits the phone's width (overflow ${overflow} px)`);
  await shot(phone, 'ticket-phone');
  await phone.context().close();
  assert.deepEqual(found, [], `axe violations:\n  ${found.join('\n  ')}`);
  await page.context().close();
});

test('buttons only for who may press them; a need offers masses, in its own unit', async () => {
  const dev = await apiToken(srv.base, 'utbygger');
  const con = await apiToken(srv.base, 'entreprenor');
  const post = async (path, token, body) => {
    const r = await fetch(`${srv.base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const text = await r.text();
    assert.ok(r.status < 300, text);
    return JSON.parse(text);
  };
  const supply = await post('/api/listings?status=published', dev, { type: 'supply', title: 'Stein for knappetest', lat: 63.42, lon: 10.42,
    material: 'rock.blasted', class: 1, amount: { value: 900, unit: 't' }, window: { from: '2027-03', to: '2027-05' } });
  const deal = await post(`/api/listings/${supply.id}/deals`, con, { amount: { value: 100, unit: 't' } });
  const page = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(page, srv.base, 'entreprenor');
  await page.goto(`${srv.base}/#/avtale/${deal.id}`);
  await page.locator('.deal-state').waitFor();
  // The reserver may cancel its reservation, not accept it.
  assert.equal(await page.getByRole('button', { name: 'Godta avtalen' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Avslå' }).count(), 0);
  await page.getByRole('button', { name: 'Avbryt avtalen' }).waitFor();
  await page.context().close();
  const owner = await newPage(browser, srv.base);
  await signIn(owner, srv.base, 'utbygger');
  await owner.goto(`${srv.base}/#/avtale/${deal.id}`);
  await owner.getByRole('button', { name: 'Godta avtalen' }).waitFor();
  await owner.getByRole('button', { name: 'Avslå' }).waitFor();
  assert.equal(await owner.getByRole('button', { name: 'Avbryt avtalen' }).count(), 0, 'the owner declines a reservation, it does not cancel it');
  // A need listed in fm3: the developer is offered to supply it, in fm3.
  const needL = await post('/api/listings?status=published', con, { type: 'need', title: 'Fylling i fm3', lat: 63.43, lon: 10.43,
    material: 'rock.blasted', max_class: 2, amount: { value: 19479, unit: 'fm3' }, window: { from: '2027-03', to: '2027-08' } });
  await owner.goto(`${srv.base}/#/annonse/${needL.id}`);
  await owner.getByRole('heading', { name: 'Tilby masser til dette behovet' }).waitFor();
  assert.equal(await owner.getByRole('heading', { name: 'Reserver masser fra denne annonsen' }).count(), 0);
  assert.match(await owner.locator('.reserve .amounts').innerText(), /^Behov som ikke er dekket av avtaler: 19[\s\u00a0\u202f]479 fm³/);
  assert.equal(await owner.locator('.reserve [data-field="amount.unit"]').inputValue(), 'fm3');
  await owner.getByRole('button', { name: 'Tilby', exact: true }).waitFor();
  assert.deepEqual(owner.errors || [], []);
  await owner.context().close();
});

test('the hauler lands on its jobs on a phone and registers a load in three taps', async () => {
  const dev = await apiToken(srv.base, 'utbygger');
  const con = await apiToken(srv.base, 'entreprenor');
  const hau = await apiToken(srv.base, 'transport');
  const call = async (path, token, body) => {
    const r = await fetch(`${srv.base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const text = await r.text();
    assert.ok(r.status < 300, text);
    return JSON.parse(text);
  };
  const me = await (await fetch(`${srv.base}/api/me`, { headers: { Authorization: `Bearer ${hau}` } })).json();
  const supply = await call('/api/listings?status=published', dev, { type: 'supply', title: 'Stein til sjåføren', lat: 63.42, lon: 10.42,
    material: 'rock.blasted', class: 1, amount: { value: 500, unit: 't' }, window: { from: '2027-03', to: '2027-05' } });
  const deal = await call(`/api/listings/${supply.id}/deals`, con, { amount: { value: 100, unit: 't' }, hauler_org: me.organisation.id });
  await call(`/api/deals/${deal.id}/state`, dev, { state: 'agreed' });
  const page = await newPage(browser, srv.base, { width: 360, height: 740 });
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.getByLabel('E-post').fill('transport@demo.massebank.no');
  await page.getByLabel('Passord').fill('massebank-demo');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/#\/oppdrag$/);
  await page.getByRole('heading', { name: 'Mine oppdrag', level: 1 }).waitFor();
  const card = page.locator('li.task', { hasText: 'Stein til sjåføren' });
  await card.waitFor();
  assert.deepEqual(await checkA11y(page), [], 'axe on the jobs page');
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `fits 360 px (${w})`);
  const box = await card.getByRole('link', { name: 'Registrer lass' }).boundingBox();
  assert.ok(box.height >= 48, `a large tap target (${box.height} px)`);
  // Tap 1: the job; the load form has the focus.
  await card.getByRole('link', { name: 'Registrer lass' }).click();
  await page.waitForFunction(() => document.activeElement?.dataset?.field === 'truck');
  // Taps 2-3: the truck and the amount are typed, then one tap registers.
  await page.keyboard.type('EL 12345');
  await page.locator('form.load-form [data-field="amount.value"]').fill('28,5');
  await page.locator('form.load-form').getByRole('button', { name: 'Registrer lass' }).click();
  await page.locator('tr.load-row').first().waitFor();
  assert.match(await page.locator('tr.load-row').first().innerText(), /28,5/);
  // The page says so where the driver looks, with the ticket one tap away.
  const done = page.locator('.load-done');
  await done.waitFor();
  assert.match(await done.innerText(), /Lass nummer 1 er registrert/);
  assert.match(await done.locator('a.ticket-link').getAttribute('href'), /^\/t\/[A-Za-z0-9_-]{16,}$/);
  assert.ok(await done.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }),
    'the confirmation is on screen');
  // A day's work: 24 loads more. The deal page still fits 360 px, every
  // load's tonnes and its QR in view, the load form's button a large target.
  for (let i = 0; i < 24; i++) {
    const at = new Date(Date.now() - i * 200).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await call(`/api/deals/${deal.id}/deliveries`, hau, { truck: 'EL12345', euro_class: 'electric', amount: { value: 3 + i / 10, unit: 't' }, at });
  }
  await page.reload();
  await page.locator('tr.load-row').nth(24).waitFor();
  assert.match(await page.locator('tr.load-row').nth(1).innerText(), /Elektrisk/, 'the engine class in words');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the deal page with 25 loads fits 360 px (${wide})`);
  for (const row of [0, 24]) {
    const r = page.locator('tr.load-row').nth(row);
    const b = await r.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 360, `load row ${row} within the screen (${b.x}+${b.width})`);
    const qrImg = r.locator('img.qr-img');
    await qrImg.waitFor();
    const q = await qrImg.boundingBox();
    assert.ok(q.x >= 0 && q.x + q.width <= 360, `the QR of row ${row} on screen`);
  }
  const reg = await page.locator('form.load-form').getByRole('button', { name: 'Registrer lass' }).boundingBox();
  assert.ok(reg.height >= 44 && reg.x + reg.width <= 360, `the load form's button is a large target on screen (${JSON.stringify(reg)})`);
  assert.deepEqual(await checkA11y(page), [], 'axe on the deal page with many loads');
  await shot(page, 'deal-many-loads-360');
  // The deals list on a phone: cards, no sideways scrolling, and the deal
  // named "Avtale #N" as a large tap target.
  await page.goto(`${srv.base}/#/avtaler`);
  const dealLink = page.locator(`tr.deal-row a[href="#/avtale/${deal.id}"]`);
  await dealLink.waitFor();
  assert.equal(await dealLink.innerText(), `Avtale #${deal.id}`);
  const dl = await dealLink.boundingBox();
  assert.ok(dl.height >= 44 && dl.x + dl.width <= 360, `the deal link is a large target on screen (${JSON.stringify(dl)})`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the deals list fits 360 px');
  assert.deepEqual(await checkA11y(page), [], 'axe on the deals list at 360 px');
  await shot(page, 'deals-360');
  // Another organisation's listing: a hauler does not reserve (the API
  // says 403), so it is told where its jobs come from, not offered a form.
  const other = await call('/api/listings?status=published', dev, { type: 'supply', title: 'Ikke for transportøren', lat: 63.42, lon: 10.42,
    material: 'rock.blasted', class: 1, amount: { value: 50, unit: 't' }, window: { from: '2027-03', to: '2027-05' } });
  await page.goto(`${srv.base}/#/annonse/${other.id}`);
  await page.locator('section.reserve').getByText('Som transportør reserverer du ikke masser selv', { exact: false }).waitFor();
  assert.equal(await page.locator('form.reserve-form').count(), 0, 'no reservation form for a hauler');
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});
