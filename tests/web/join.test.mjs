/*
 * join.test.mjs - joining in the browser, on a phone in bokmål: an
 * organisation signs up (a wrong organisation number is refused at the
 * field), its user sees that it waits; an administrator approves it on
 * #/godkjenning; the user invites a colleague from Mine; a forgotten
 * password is reset with the mailed link (read from the outbox). axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, openBrowser, newPage, signIn, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

function outboxLink(addr, path) {
  return execFileSync('python3', ['-c', `import re,sqlite3,sys
c=sqlite3.connect(sys.argv[1])
b=c.execute("SELECT body FROM outbox WHERE to_addr=? ORDER BY id DESC LIMIT 1",(sys.argv[2],)).fetchone()[0]
print(re.search("#/"+sys.argv[3]+"/([A-Za-z0-9_-]+)",b).group(1))`, srv.db, addr, path]).toString().trim();
}

async function signInAs(page, email, password) {
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.getByLabel('E-post').fill(email);
  await page.getByLabel('Passord').fill(password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/#\/mine/);
}

test('sign up, wait, be approved, invite; reset a forgotten password', async () => {
  const p = await newPage(browser, srv.base, { width: 375, height: 812 });
  await p.goto(`${srv.base}/#/logg-inn`);
  await p.getByRole('link', { name: 'Registrer virksomheten' }).click();
  await p.getByRole('heading', { name: 'Registrer virksomheten', level: 1 }).waitFor();
  await p.getByLabel('Navn', { exact: true }).fill('Fjellgrus AS');
  await p.getByLabel('Organisasjonsnummer').fill('923 609 017');
  await p.getByLabel('Navnet ditt').fill('Frida Fjell');
  await p.getByLabel('E-post').fill('frida@fjellgrus.example');
  await p.getByLabel('Passord', { exact: true }).fill('et langt passord 1');
  await p.getByLabel('Gjenta passordet').fill('et langt passord 1');
  await p.getByRole('button', { name: 'Registrer' }).click();
  await p.locator('[data-error-for="organisation.orgnr"]', { hasText: 'ikke et gyldig organisasjonsnummer' }).waitFor();
  await p.getByLabel('Organisasjonsnummer').fill('923 609 016');
  await p.getByRole('button', { name: 'Registrer' }).click();
  await p.locator('#main').getByText('Fjellgrus AS er registrert.', { exact: false }).waitFor();
  const v1 = await checkA11y(p);
  assert.deepEqual(v1, [], `axe after sign-up:\n  ${v1.join('\n  ')}`);

  await signInAs(p, 'frida@fjellgrus.example', 'et langt passord 1');
  await p.locator('#main').getByText('Virksomheten venter på godkjenning', { exact: false }).waitFor();
  assert.equal(await p.getByText('Inviter en kollega').count(), 0);

  const admin = await newPage(browser, srv.base);
  await signIn(admin, srv.base, 'admin');
  await admin.locator('#main-nav').getByRole('link', { name: 'Godkjenning' }).click();
  const card = admin.locator('ul.approvals li.card', { hasText: 'Fjellgrus AS' });
  await card.getByText('frida@fjellgrus.example', { exact: false }).waitFor();
  const v2 = await checkA11y(admin);
  assert.deepEqual(v2, [], `axe on approvals:\n  ${v2.join('\n  ')}`);
  await card.getByRole('button', { name: 'Godkjenn Fjellgrus AS' }).click();
  await admin.locator('#main').getByText('Ingen virksomheter venter.').waitFor();

  await p.reload();
  await p.locator('details.invite-box summary', { hasText: 'Inviter en kollega' }).click();
  const invite = p.locator('form.invite-form');
  await invite.getByLabel('E-post').fill('kollega@fjellgrus.example');
  await invite.getByRole('button', { name: 'Send invitasjon' }).click();
  await invite.getByText('Invitasjonen er sendt til kollega@fjellgrus.example.', { exact: false }).waitFor();
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `Mine is ${width} px wide on a 375 px phone`);
  await shot(p, 'join-mine-phone');
  const itoken = outboxLink('kollega@fjellgrus.example', 'invitasjon');
  const k = await newPage(browser, srv.base, { width: 375, height: 812 });
  await k.goto(`${srv.base}/#/invitasjon/${itoken}`);
  await k.getByLabel('Navnet ditt').fill('Kari Kollega');
  await k.getByLabel('Passord', { exact: true }).fill('kollegas passord 1');
  await k.getByLabel('Gjenta passordet').fill('kollegas passord 1');
  await k.getByRole('button', { name: 'Lag brukeren' }).click();
  await k.locator('#main').getByText('Brukeren kollega@fjellgrus.example er laget.', { exact: false }).waitFor();
  await signInAs(k, 'kollega@fjellgrus.example', 'kollegas passord 1');

  // forgot the password
  const f = await newPage(browser, srv.base, { width: 375, height: 812 });
  await f.goto(`${srv.base}/#/logg-inn`);
  await f.getByRole('link', { name: 'Glemt passordet?' }).click();
  await f.getByLabel('E-post').fill('frida@fjellgrus.example');
  await f.getByRole('button', { name: 'Send lenke' }).click();
  await f.locator('#main').getByText('Hvis frida@fjellgrus.example har en bruker', { exact: false }).waitFor();
  const rtoken = outboxLink('frida@fjellgrus.example', 'nytt-passord');
  await f.goto(`${srv.base}/#/nytt-passord/${rtoken}`);
  await f.getByLabel('Passord', { exact: true }).fill('nytt langt passord 2');
  await f.getByLabel('Gjenta passordet').fill('nytt langt passord 3');
  await f.getByRole('button', { name: 'Lagre passordet' }).click();
  await f.locator('[data-error-for="password2"]', { hasText: 'Passordene er ikke like.' }).waitFor();
  await f.getByLabel('Gjenta passordet').fill('nytt langt passord 2');
  await f.getByRole('button', { name: 'Lagre passordet' }).click();
  await f.locator('#main').getByText('Passordet er endret', { exact: false }).waitFor();
  const v3 = await checkA11y(f);
  assert.deepEqual(v3, [], `axe after the reset:\n  ${v3.join('\n  ')}`);
  await f.goto(`${srv.base}/#/nytt-passord/${rtoken}`);
  await f.reload(); // the same address: opened again
  await f.getByLabel('Passord', { exact: true }).fill('tredje langt passord');
  await f.getByLabel('Gjenta passordet').fill('tredje langt passord');
  await f.getByRole('button', { name: 'Lagre passordet' }).click();
  await f.locator('#main').getByText('Lenken er brukt, utløpt eller ukjent.', { exact: false }).waitFor();
  await signInAs(f, 'frida@fjellgrus.example', 'nytt langt passord 2');
  for (const x of [p, admin, k, f]) assert.deepEqual(x.errors || [], []);
});
