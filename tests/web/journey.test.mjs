/*
 * journey.test.mjs - the whole way through, as its users walk it, with a
 * real SMTP server on loopback (Debian's python3-aiosmtpd) taking the
 * alert mail:
 *
 *  - a new organisation (Stjørdal Masse AS) signs up on a phone in
 *    bokmål and sees that it waits; an administrator approves it on
 *    #/godkjenning, in English at desktop width;
 *  - the contractor (desktop, bokmål) has a need near Stjørdal and saves
 *    a search near it with mail at once;
 *  - the new user (phone, bokmål) places a surplus by its address
 *    (Kjøpmannsgata 7, Stjørdal) and publishes it;
 *  - the alert mail reaches the SMTP server, names the listing and links
 *    to it under --public-url; the contractor opens that link and asks in
 *    the listing's conversation; the new user answers from the inbox;
 *  - the municipality runs a regional plan of the corner of Stjørdal; the
 *    contractor turns the suggestion into a reservation (the deal has the
 *    suggested tonnes); the new user, now in English on the phone,
 *    accepts the deal and registers a load (no hauler: a party
 *    registers); the contractor, the receiver, confirms it.
 *
 * axe-core is run on every main page visited; phone pages must not
 * scroll sideways. The server is started here (not by helpers.mjs) for
 * its --smtp, --public-url and --alert-interval options.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER, DIST, openBrowser, newPage, signIn, apiToken, apiGet, shot, user, PASSWORD } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

// Debian's python has aiosmtpd (python3-aiosmtpd); a pyenv python first in PATH may not.
const PYTHON = process.env.MB_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/* An SMTP server on loopback printing each mail it takes as one JSON line. */
const SMTP_SINK = `
import email, json, socket, sys, time
from email import policy
from aiosmtpd.controller import Controller

class Sink:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        part = m.get_body(preferencelist=('plain',))
        print(json.dumps({'from': envelope.mail_from, 'to': envelope.rcpt_tos,
                          'subject': str(m['subject'] or ''), 'header_to': str(m['to'] or ''),
                          'unsubscribe': str(m['list-unsubscribe'] or ''),
                          'body': part.get_content() if part is not None else ''}), flush=True)
        return '250 OK'

s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
c = Controller(Sink(), hostname='127.0.0.1', port=port)
c.start()
print('PORT', port, flush=True)
while True:
    time.sleep(3600)
`;

function startSmtp() {
  const proc = spawn(PYTHON, ['-c', SMTP_SINK], { stdio: ['ignore', 'pipe', 'pipe'] });
  const mails = [];
  let out = ''; let err = '';
  const port = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`smtp server did not start: ${out} ${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl); out = out.slice(nl + 1);
        const m = line.match(/^PORT (\d+)$/);
        if (m) { clearTimeout(timer); ok(Number(m[1])); } else if (line.startsWith('{')) mails.push(JSON.parse(line));
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`smtp server exited ${code}: ${err}`)); });
  });
  const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok(code ?? sig)));
  return { port, mails, async stop() { proc.kill('SIGTERM'); await exited; } };
}

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/* Like helpers.mjs startServer(), with the mail options. */
async function startMailServer(smtpPort) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html missing: run npm run build in web/`);
  const dir = mkdtempSync(join(tmpdir(), 'mb-web-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const proc = spawn(SERVER, ['--db', join(dir, 'web.db'), '--port', String(port), '--static', DIST, '--log', 'off',
    '--smtp', `127.0.0.1:${smtpPort}`, '--smtp-tls', 'none', '--smtp-from', 'varsel@massebank.test',
    '--public-url', publicUrl, '--alert-interval', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${out}`)); });
  });
  const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok(code ?? sig)));
  return {
    base, publicUrl, db: join(dir, 'web.db'),
    async stop() { proc.kill('SIGTERM'); const code = await exited; rmSync(dir, { recursive: true, force: true }); return code; },
  };
}

let smtp; let srv; let browser;
before(async () => {
  smtp = startSmtp();
  srv = await startMailServer(await smtp.port);
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  const code = srv ? await srv.stop() : 0;
  await smtp?.stop();
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

async function call(method, path, token, body) {
  const r = await fetch(`${srv.base}${path}`, {
    method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

async function axeClean(page, where) {
  const v = await checkA11y(page);
  assert.deepEqual(v, [], `axe on ${where}:\n  ${v.join('\n  ')}`);
}

/* The page does not scroll sideways on a 375 px phone; when it does, the
 * message names what sticks out. */
async function fitsPhone(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  if (w <= 375) return;
  // what sticks out (inside a scrolling table only what escapes its clipping)
  const wide = await page.evaluate(() => [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > 376 && (!e.closest('.table-wrap *') || getComputedStyle(e).position !== 'static'))
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} (right ${Math.round(e.getBoundingClientRect().right)} px)`));
  assert.fail(`${where} is ${w} px wide on a 375 px phone; sticking out: ${wide.slice(-6).join(', ')}`);
}

async function until(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ORG = 'Stjørdal Masse AS';
const ORGNR = '974 760 673';
const NEW_EMAIL = 'stine@stjordalmasse.example';
const NEW_PASSWORD = 'et langt passord i Stjørdal';
const SURPLUS = 'Sprengstein Kjøpmannsgata';
const NEED = 'Fylling Stjørdal havn';
const SEARCH = 'Stein nær havna';
const WINDOW = { from: '2027-05', to: '2027-06' };
// A corner of Stjørdal with no demo site in it: the plan sees our two listings only.
const BBOX = [10.85, 63.44, 10.98, 63.5];

test('sign-up → approval → listing by address → alert mail → question → suggestion → deal → load confirmed', async () => {
  // ---- the contractor's need near Stjørdal (set-up through the API)
  const conToken = await apiToken(srv.base, 'entreprenor');
  const need = await call('POST', '/api/listings?status=published', conToken, {
    type: 'need', title: NEED, lat: 63.465, lon: 10.905, material: 'rock.blasted',
    max_class: 2, amount: { value: 4000, unit: 't' }, window: WINDOW });

  // ---- a new organisation signs up on a phone, in bokmål
  const p = await newPage(browser, srv.base, { width: 375, height: 812, lang: 'nb' });
  await p.goto(`${srv.base}/#/logg-inn`);
  await p.getByRole('link', { name: 'Registrer virksomheten' }).click();
  await p.getByRole('heading', { name: 'Registrer virksomheten', level: 1 }).waitFor();
  await p.getByLabel('Navn', { exact: true }).fill(ORG);
  await p.getByLabel('Organisasjonsnummer').fill(ORGNR);
  await p.getByLabel('Navnet ditt').fill('Stine Stjørdal');
  await p.getByLabel('E-post').fill(NEW_EMAIL);
  await p.getByLabel('Rolle').selectOption('developer');
  await p.getByLabel('Passord', { exact: true }).fill(NEW_PASSWORD);
  await p.getByLabel('Gjenta passordet').fill(NEW_PASSWORD);
  await axeClean(p, 'the sign-up form (phone, nb)');
  await fitsPhone(p, 'the sign-up form');
  await p.getByRole('button', { name: 'Registrer' }).click();
  await p.locator('#main').getByText(`${ORG} er registrert.`, { exact: false }).waitFor();

  await p.goto(`${srv.base}/#/logg-inn`);
  await p.getByLabel('E-post').fill(NEW_EMAIL);
  await p.getByLabel('Passord').fill(NEW_PASSWORD);
  await p.getByRole('button', { name: 'Logg inn' }).click();
  await p.waitForURL(/#\/mine/);
  await p.locator('#main').getByText('Virksomheten venter på godkjenning', { exact: false }).waitFor();
  await axeClean(p, 'Mine while waiting (phone, nb)');
  await fitsPhone(p, 'Mine while waiting');

  // ---- the administrator approves it, in English at desktop width
  const admin = await newPage(browser, srv.base, { width: 1280, height: 900, lang: 'en' });
  await admin.goto(`${srv.base}/#/logg-inn`);
  await admin.getByLabel('E-mail').fill(user('admin'));
  await admin.getByLabel('Password').fill(PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL(/#\/mine/);
  await admin.locator('#main-nav').getByRole('link', { name: 'Approvals' }).click();
  await admin.getByRole('heading', { name: 'Organisations waiting for approval', level: 1 }).waitFor();
  const card = admin.locator('ul.approvals li.card', { hasText: ORG });
  await card.getByText(NEW_EMAIL, { exact: false }).waitFor();
  assert.match(await card.innerText(), /Organisation number 974\s?760\s?673/);
  assert.match(await card.innerText(), /developer/);
  await axeClean(admin, 'approvals (desktop, en)');
  await card.getByRole('button', { name: `Approve ${ORG}` }).click();
  await admin.locator('#main').getByText('No organisations are waiting.').waitFor();
  await shot(admin, 'journey-approvals-en');

  // ---- the contractor saves a search near its need, mailed at once (desktop, bokmål)
  const con = await newPage(browser, srv.base, { width: 1280, height: 900, lang: 'nb' });
  await signIn(con, srv.base, 'entreprenor');
  await con.locator('#main-nav').getByRole('link', { name: 'Varsler' }).click();
  await con.getByRole('heading', { name: 'Varsler', level: 1 }).waitFor();
  const form = con.locator('form.saved-search-form');
  await form.getByLabel('Navn på søket').fill(SEARCH);
  await form.getByLabel('Materiale').selectOption('rock.*');
  await form.getByLabel('Nær').selectOption({ label: NEED });
  await form.getByLabel('Avstand i luftlinje (km)').fill('10');
  await form.getByLabel('E-post', { exact: true }).selectOption('instant');
  await form.getByRole('button', { name: 'Lagre søket' }).click();
  const saved = con.locator('ul.saved-searches li', { hasText: SEARCH });
  await saved.waitFor();
  assert.match(await saved.innerText(), /Overskudd · Stein og fjell · innen 10 km · E-post med en gang/);
  await axeClean(con, 'alerts with the saved search (desktop, nb)');

  // ---- the new user, approved, places a surplus by its address (phone, bokmål)
  await p.reload();
  await p.getByRole('heading', { level: 1 }).first().waitFor();
  await until('the waiting banner to go', async () => (await p.locator('#main').getByText('Virksomheten venter på godkjenning', { exact: false }).count()) === 0, 15000);
  await p.goto(`${srv.base}/#/ny`);
  const f = p.locator('form.listing-form');
  await f.waitFor();
  const search = f.getByRole('combobox', { name: 'Adresse' });
  await search.fill('kjøpmannsgata 7');
  const option = f.getByRole('option', { name: /Kjøpmannsgata 7\b/ }).first();
  await option.waitFor();
  assert.match(await option.innerText(), /STJØRDAL|Stjørdal/i);
  await axeClean(p, 'the listing form with address suggestions (phone, nb)');
  await option.click();
  await p.waitForFunction(() => /Kommune: 5035 Stjørdal/.test(document.querySelector('.municipality-line')?.textContent || ''));
  // in the form as Norwegians write it: a decimal comma
  assert.equal(await f.locator('[data-field="lat"]').inputValue(), '63,47');
  assert.equal(await f.locator('[data-field="lon"]').inputValue(), '10,92');
  assert.match(await f.locator('[data-field="property"]').inputValue(), /^5035-33\/22$/);
  await f.locator('[data-field="title"]').fill(SURPLUS);
  await f.locator('[data-field="material"]').selectOption('rock.blasted');
  await f.locator('[data-field="amount.value"]').fill('4000');
  await f.locator('[data-field="window.from"]').fill(WINDOW.from);
  await f.locator('[data-field="window.to"]').fill(WINDOW.to);
  await f.locator('[data-field="class"]').selectOption('1');
  await fitsPhone(p, 'the listing form');
  await shot(p, 'journey-listing-form-phone');
  await p.getByRole('button', { name: 'Lagre og publiser' }).click();
  await p.waitForURL(/#\/annonse\/\d+/);
  const listingId = Number(p.url().match(/annonse\/(\d+)/)[1]);
  await p.locator('dl.facts').waitFor();
  assert.match(await p.locator('dl.facts').innerText(), /Kommune\s+5035 Stjørdal/);
  const listing = await apiGet(srv.base, `/api/listings/${listingId}`);
  assert.equal(listing.status, 'published');
  assert.equal(listing.organisation?.name ?? ORG, ORG);
  assert.equal(listing.municipality, '5035');
  assert.equal(listing.property, '5035-33/22');
  await axeClean(p, 'the new listing (phone, nb)');
  await fitsPhone(p, 'the new listing');

  // ---- the alert mail arrives at the SMTP server
  const mail = await until('the alert mail', async () => smtp.mails.find((m) => m.to.includes(user('entreprenor')) && m.subject.includes(SURPLUS)), 60000);
  assert.equal(mail.from, 'varsel@massebank.test');
  assert.match(mail.subject, new RegExp(`^massebank: ${SURPLUS} – nytt treff / new result$`));
  assert.ok(mail.body.includes(SURPLUS), mail.body);
  assert.ok(mail.body.includes(SEARCH), `the mail names the search:\n${mail.body}`);
  assert.match(mail.body, /4[\s\u00a0]000 t/);
  const link = `${srv.publicUrl}/#/annonse/${listingId}`;
  assert.ok(mail.body.includes(link), `the mail links to ${link}:\n${mail.body}`);
  assert.match(mail.body, /#\/avmeld\/[0-9a-f]{64}/);
  assert.ok(mail.unsubscribe.includes('/api/unsubscribe?token='), `List-Unsubscribe: ${mail.unsubscribe}`);
  assert.equal(smtp.mails.filter((m) => m.to.includes(user('entreprenor')) && m.subject.includes(SURPLUS)).length, 1, 'one mail');

  // ---- the contractor follows the mail's link and asks in the conversation
  await con.goto(link);
  await con.getByRole('heading', { name: SURPLUS, level: 1 }).waitFor();
  const conv = con.locator('section.conversation');
  await conv.getByText('Ingen meldinger ennå.').waitFor();
  await conv.getByLabel('Melding').fill('Kan vi hente 4000 t i mai? Vi fyller ved havna.');
  await conv.getByRole('button', { name: 'Send' }).click();
  await conv.locator('.message.mine', { hasText: 'Kan vi hente 4000 t i mai?' }).waitFor();
  await axeClean(con, 'the listing with a question (desktop, nb)');
  await con.goto(`${srv.base}/#/varsler`);
  const alertItem = con.locator('ul.alerts li', { hasText: SURPLUS });
  await alertItem.waitFor();
  assert.match(await alertItem.innerText(), new RegExp(`Passer søket «${SEARCH}»`));

  // ---- the new user answers from the inbox
  await p.goto(`${srv.base}/#/meldinger`);
  const unread = p.locator('ul.inbox li.unread a', { hasText: SURPLUS }).first();
  await unread.waitFor();
  await axeClean(p, 'the inbox (phone, nb)');
  await fitsPhone(p, 'the inbox');
  await unread.click();
  await p.waitForURL(new RegExp(`#/annonse/${listingId}`));
  const thread = p.locator('section.conversation .thread', { hasText: 'Kan vi hente 4000 t i mai?' });
  await thread.getByRole('heading', { name: /Fra Entreprenør/ }).waitFor();
  await thread.getByLabel('Melding').fill('Ja, det går fint. Ring Stine.');
  await thread.getByRole('button', { name: 'Send' }).click();
  await p.locator('.message.mine', { hasText: 'Ja, det går fint.' }).waitFor();
  await con.goto(link);
  await con.locator('section.conversation .message.theirs', { hasText: 'Ja, det går fint.' }).waitFor();

  // ---- the municipality runs a regional plan of the corner of Stjørdal
  const mun = await apiToken(srv.base, 'kommune');
  const job = await call('POST', '/api/plans', mun, { bbox: BBOX, from: '2027-01', to: '2027-12', name: 'Stjørdal havn 2027' });
  const planJob = await until('the plan', async () => {
    const j = await call('GET', `/api/jobs/${job.id}`, mun);
    assert.notEqual(j.state, 'failed', j.message);
    return j.state === 'done' ? j : null;
  }, 120000);
  const sugs = await call('GET', '/api/suggestions', conToken);
  const sug = sugs.items.find((g) => g.plan.id === planJob.id && g.supply.id === listingId && g.need.id === need.id);
  assert.ok(sug, `a suggestion from ${SURPLUS} to ${NEED}: ${JSON.stringify(sugs.items)}`);
  assert.ok(sug.tonnes > 0);

  // ---- the contractor reserves from the suggestion (desktop, bokmål)
  await con.goto(`${srv.base}/#/varsler`);
  const item = con.locator(`li.suggestion-item[data-suggestion="${sug.id}"]`);
  await item.waitFor();
  const sugText = await item.locator('.suggestion-text').innerText();
  assert.ok(sugText.startsWith('Planen «Stjørdal havn 2027»'), sugText);
  assert.ok(sugText.includes(`fra «${SURPLUS}» (${ORG}) til deres «${NEED}»`), sugText);
  const tonnesText = new Intl.NumberFormat('nb-NO').format(sug.tonnes);
  assert.ok(sugText.replace(/[\s\u00a0\u202f]/g, ' ').includes(`foreslår ${tonnesText.replace(/[\s\u00a0\u202f]/g, ' ')} t`), sugText);
  await axeClean(con, 'alerts with the suggestion (desktop, nb)');
  await shot(con, 'journey-suggestion');
  await item.getByRole('button', { name: 'Reserver massene' }).click();
  await con.waitForURL(/#\/avtale\/\d+$/);
  const dealId = Number(con.url().split('/').pop());
  await con.locator('.deal-state', { hasText: 'reservert' }).waitFor();
  await axeClean(con, 'the reserved deal (desktop, nb)');
  let deal = await call('GET', `/api/deals/${dealId}`, conToken);
  assert.equal(deal.state, 'reserved');
  assert.equal(deal.amount_t, sug.tonnes, 'the deal has the suggested tonnes');
  assert.equal(deal.listing_id, listingId);
  assert.deepEqual(deal.window, WINDOW);
  const accepted = (await call('GET', '/api/suggestions?state=all', conToken)).items.find((g) => g.id === sug.id);
  assert.equal(accepted.state, 'accepted');
  assert.equal(accepted.deal_id, dealId);

  // ---- the new user, now in English on the phone, accepts and registers a load
  await p.getByRole('button', { name: 'Switch to English' }).click();
  await p.getByRole('button', { name: 'Bytt til norsk' }).waitFor();
  await p.goto(`${srv.base}/#/avtale/${dealId}`);
  await p.locator('.deal-state', { hasText: 'reserved' }).waitFor();
  await axeClean(p, 'the deal (phone, en)');
  await fitsPhone(p, 'the deal');
  await p.getByRole('button', { name: 'Accept the deal' }).click();
  await p.locator('.deal-state', { hasText: 'agreed' }).waitFor();
  const lf = p.locator('form.load-form');
  await lf.getByLabel('Truck (plate)').fill('ZT 12345');
  await lf.getByLabel('Amount', { exact: true }).fill('28.5');
  await lf.getByRole('button', { name: 'Register load' }).click();
  const row = p.locator('tr.load-row');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  await row.first().locator('img.qr-img').waitFor();
  assert.match(await row.first().innerText(), /registered/);
  await axeClean(p, 'the deal with a load (phone, en)');
  await fitsPhone(p, 'the deal with a load');
  await shot(p, 'journey-load-phone-en');

  // ---- the contractor, the receiver, confirms it
  await con.goto(`${srv.base}/#/avtale/${dealId}`);
  await con.reload(); // the same address it already showed: read it again
  await con.locator('.deal-state', { hasText: 'avtalt' }).waitFor();
  await con.locator('tr.load-row').first().getByRole('button', { name: 'Bekreft' }).click();
  await con.locator('tr.load-row.load-confirmed').waitFor();
  await axeClean(con, 'the deal with a confirmed load (desktop, nb)');
  deal = await call('GET', `/api/deals/${dealId}`, conToken);
  assert.equal(deal.state, 'agreed');
  assert.equal(deal.loads.confirmed_t, 28.5);
  const loads = await call('GET', `/api/deals/${dealId}/deliveries`, conToken);
  assert.equal(loads.items.length, 1);
  assert.equal(loads.items[0].state, 'confirmed');
  // the new user sees it confirmed, in English
  await p.reload();
  await p.locator('tr.load-row.load-confirmed', { hasText: 'confirmed' }).waitFor();

  for (const x of [p, admin, con]) assert.deepEqual(x.errors || [], []);
  for (const x of [p, admin, con]) await x.context().close();
});
