/*
 * help.test.mjs - help and first steps, at 375 px and 1366 px, in bokmål
 * and English: a new organisation's contractor sees on #/mine that it has
 * no listings and the next step "Lag din første annonse" (and no facility
 * step, which its role may not take); a new hauler sees "Ingen oppdrag i
 * dag" on #/oppdrag and no listing step on #/mine; #/kom-i-gang differs
 * for a hauler and a municipality; the help next to "Tilstandsklasse" in
 * the listing form opens with Enter, closes with Escape and is axe clean
 * open. Screenshots go to MB_ARTIFACTS as help-LANG-WIDTH-*.png.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

/* A nine-digit organisation number with a good modulus 11 check digit, from an eight-digit start. */
function orgnr(start) {
  for (let n = start; ; n++) {
    const d = String(n).split('').map(Number);
    const sum = [3, 2, 7, 6, 5, 4, 3, 2].reduce((a, w, i) => a + w * d[i], 0);
    const c = (11 - (sum % 11)) % 11;
    if (c !== 10) return `${n}${c}`;
  }
}

let orgSeq = 0;
/* Sign up a new organisation with its first user of role; resolves to {email, password}. */
async function newOrg(role) {
  const i = ++orgSeq;
  const email = `ny${i}-${role}@nyorg.example`;
  const password = 'et langt passord 1';
  const r = await fetch(`${srv.base}/api/signup`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organisation: { name: `Nyorg ${i} AS`, orgnr: orgnr(91234560 + i * 37) },
                           user: { name: `Ny Bruker ${i}`, email, password, role } }),
  });
  assert.equal(r.status, 201, `sign-up of a ${role}: ${await r.text()}`);
  return { email, password };
}

/* Sign in through the bokmål form, then read the UI in lang. */
async function signInAs(page, { email, password }, lang) {
  await page.evaluate(() => localStorage.setItem('mb-lang', 'nb')).catch(() => {});
  await page.goto(`${srv.base}/#/logg-inn`);
  await page.getByLabel('E-post').fill(email);
  await page.getByLabel('Passord').fill(password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/#\/(mine|oppdrag)/);
  await inLang(page, lang);
}

async function inLang(page, lang) {
  await page.evaluate((l) => localStorage.setItem('mb-lang', l), lang);
  await page.reload();
}

const WORDS = {
  nb: { listings: 'Ingen annonser ennå', create: 'Lag din første annonse', facility: 'Registrer ditt første anlegg', tasks: 'Ingen oppdrag i dag',
        deals: 'Se alle avtaler', guide: 'Kom i gang', haulStep: 'Registrer hvert lass', planStep: 'Kjør en regional plan',
        help: 'Hva betyr tilstandsklasse?', helpText: 'TA-2553/2009' },
  en: { listings: 'No listings yet', create: 'Create your first listing', facility: 'Register your first facility', tasks: 'No jobs today',
        deals: 'See all deals', guide: 'Getting started', haulStep: 'Register each load', planStep: 'Run a regional plan',
        help: 'What does condition class mean?', helpText: 'TA-2553/2009' },
};

async function axeClean(page, where) {
  const v = await checkA11y(page);
  assert.deepEqual(v, [], `axe on ${where}:\n  ${v.join('\n  ')}`);
}

async function noSideScroll(page, width, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= width, `${where} is ${w} px wide at ${width} px`);
}

for (const lang of ['nb', 'en']) {
  for (const [width, height] of [[375, 740], [1366, 800]]) {
    const W = WORDS[lang];
    const tag = `help-${lang}-${width}`;

    test(`${lang} ${width}px: a new organisation's empty lists say what to do next, and only what it may`, async () => {
      const con = await newPage(browser, srv.base, { width, height });
      await signInAs(con, await newOrg('contractor'), lang);
      const main = con.locator('#main');
      const empty = main.locator('.empty[data-empty="listings"]');
      await empty.getByRole('heading', { name: W.listings }).waitFor();
      const create = empty.getByRole('link', { name: W.create });
      assert.equal(await create.getAttribute('href'), '#/ny');
      assert.equal(await main.getByText(W.facility).count(), 0, 'a contractor is not offered a facility');
      await noSideScroll(con, width, 'Mine');
      await axeClean(con, `#/mine of a new contractor (${lang}, ${width})`);
      await shot(con, `${tag}-mine-contractor`);
      await create.click();
      await con.waitForURL(/#\/ny$/);
      await con.locator('form.listing-form').waitFor();
      await con.context().close();

      const hauler = await newPage(browser, srv.base, { width, height });
      await signInAs(hauler, await newOrg('hauler'), lang);
      await hauler.goto(`${srv.base}/#/oppdrag`);
      const tasks = hauler.locator('#main .empty[data-empty="tasks"]');
      await tasks.getByRole('heading', { name: W.tasks }).waitFor();
      assert.equal(await tasks.getByRole('link', { name: W.deals }).getAttribute('href'), '#/avtaler');
      await axeClean(hauler, `#/oppdrag of a new hauler (${lang}, ${width})`);
      await shot(hauler, `${tag}-tasks-hauler`);
      await hauler.goto(`${srv.base}/#/mine`);
      const hl = hauler.locator('#main .empty[data-empty="listings"]');
      await hl.getByRole('heading', { name: W.listings }).waitFor();
      assert.equal(await hl.locator('a[href="#/ny"]').count(), 0, 'a hauler is not offered a listing');
      assert.equal(await hauler.locator('#main a[href="#/ny"], #main a[href="#/nytt-anlegg"]').count(), 0);
      // The menu too offers only what the API lets a hauler do: no listing, no regional plan.
      assert.equal(await hauler.locator('#main-nav a[data-route="ny"], #main-nav a[data-route="plan"]').count(), 0,
        "a hauler's menu has neither 'Ny annonse' nor 'Regional plan'");
      await hauler.context().close();
    });

    test(`${lang} ${width}px: the guide differs for a hauler and a municipality`, async () => {
      const steps = async (who) => {
        const page = await newPage(browser, srv.base, { width, height });
        await signIn(page, srv.base, who);
        await inLang(page, lang);
        if (width < 700) await page.locator('button.menu-toggle').click();
        await page.locator('#main-nav').getByRole('link', { name: W.guide }).click();
        await page.getByRole('heading', { name: W.guide, level: 1 }).waitFor();
        const list = page.locator('ol.guide-steps');
        const role = await list.getAttribute('data-role');
        const titles = await list.locator('li h2').allInnerTexts();
        assert.ok(titles.length >= 3 && titles.length <= 6, `${who}: ${titles.length} steps`);
        // Every step leads to the view that does it.
        for (const href of await list.locator('li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) assert.match(href, /^#\/[a-z-]+/);
        await noSideScroll(page, width, `the guide of ${who}`);
        await axeClean(page, `#/kom-i-gang of ${who} (${lang}, ${width})`);
        await shot(page, `${tag}-guide-${who}`);
        await page.context().close();
        return { role, titles };
      };
      const h = await steps('transport');
      const m = await steps('kommune');
      assert.equal(h.role, 'hauler');
      assert.equal(m.role, 'municipality');
      assert.ok(h.titles.includes(W.haulStep), `the hauler's guide: ${h.titles}`);
      assert.ok(!m.titles.includes(W.haulStep), `the municipality's guide: ${m.titles}`);
      assert.ok(m.titles.includes(W.planStep), `the municipality's guide: ${m.titles}`);
      assert.ok(!h.titles.includes(W.planStep), `the hauler's guide: ${h.titles}`);
    });

    test(`${lang} ${width}px: the help on condition class opens with the keyboard and is axe clean`, async () => {
      const page = await newPage(browser, srv.base, { width, height });
      await signIn(page, srv.base, 'utbygger');
      await inLang(page, lang);
      await page.goto(`${srv.base}/#/ny`);
      const form = page.locator('form.listing-form');
      await form.waitFor();
      const btn = form.getByRole('button', { name: W.help }).first();
      assert.equal(await btn.getAttribute('aria-expanded'), 'false');
      const box = page.locator(`#${await btn.getAttribute('aria-controls')}`);
      assert.ok(await box.isHidden(), 'the help starts closed');
      // Reach it with Tab from the field before it (the material), then Enter.
      await btn.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      assert.ok(await btn.evaluate((b) => b === document.activeElement), 'Tab reaches the help button');
      await page.keyboard.press('Enter');
      assert.equal(await btn.getAttribute('aria-expanded'), 'true');
      await box.waitFor({ state: 'visible' });
      assert.match(await box.innerText(), new RegExp(W.helpText));
      await axeClean(page, `the listing form with the help open (${lang}, ${width})`);
      await noSideScroll(page, width, 'the listing form');
      await btn.scrollIntoViewIfNeeded();
      await shot(page, `${tag}-field-help`);
      await page.keyboard.press('Escape');
      assert.equal(await btn.getAttribute('aria-expanded'), 'false');
      assert.ok(await box.isHidden(), 'Escape closes the help');
      assert.ok(await btn.evaluate((b) => b === document.activeElement), 'the focus stays on the button');
      await page.keyboard.press('Space');
      assert.equal(await btn.getAttribute('aria-expanded'), 'true', 'Space opens it too');
      assert.deepEqual(page.errors || [], [], 'no script errors');
      await page.context().close();
    });
  }
}
