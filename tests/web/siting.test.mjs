/*
 * siting.test.mjs - the siting question on the plan page (docs/siting.md):
 * as kommune@, two candidates dropped by clicking the map, a bad yearly
 * cost refused next to its field, then the plan of 5001 over six months
 * run with a crushing plant at the estimated costs and a storage site
 * dearer than anything it could save; the answer names the plant chosen
 * with its saving in bokmål (21.5 MNOK, by the CLI's enumeration on the
 * same scenario), the storage site not,
 * colours them so on the map, gives the CO2 saving with its range, and
 * says the same as the job's "siting" section. Checked by axe, and at
 * 360 px wide.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiGet, apiToken, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

const nbNumber = (s) => Number(s.replace(/[\s\u00a0]/g, '').replace(',', '.').replace('\u2212', '-'));

async function runSiting(page) {
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan`);
  const sec = page.locator('section.siting');
  await sec.getByRole('heading', { name: 'Hvor bør regionen åpne neste mellomlager eller knuseverk?' }).waitFor();
  await page.getByLabel('Kommunenummer (kommaseparert)').fill('5001');
  await page.getByLabel('Fra måned').fill('2026-03');
  await page.getByLabel('Til måned').fill('2026-08');
  // Drop two candidates by clicking the map: the centre (Trondheim), then
  // a little to the south-east.
  const map = page.locator('#siting-map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await sec.locator('li.siting-cand').first().waitFor();
  await page.mouse.click(box.x + box.width / 2 + Math.min(60, box.width / 4), box.y + box.height / 2 + 30);
  const cands = sec.locator('li.siting-cand');
  assert.equal(await cands.count(), 2, 'a candidate per click');
  assert.equal(await page.locator('#siting-map path.siting-marker').count(), 2, 'a marker per candidate');
  assert.match(await sec.locator('.siting-count').innerText(), /2 kandidatsteder/);
  // The defaults are shown as estimates, in Norwegian digits.
  const ph = await cands.nth(0).getByLabel('Kostnad per år (kr)').getAttribute('placeholder');
  assert.equal(ph.replace(/[\u00a0\u202f]/g, ' '), '1 500 000 (anslag)');
  // The first a crushing plant at the estimates, the second a storage site
  // dearer than anything it could save; first a negative cost, refused at
  // its field.
  await cands.nth(0).getByLabel('Type').selectOption('plant');
  assert.equal((await cands.nth(0).getByLabel('Kostnad per år (kr)').getAttribute('placeholder')).replace(/[\u00a0\u202f]/g, ' '), '3 000 000 (anslag)');
  await cands.nth(1).getByLabel('Kostnad per år (kr)').fill('-5');
  await sec.getByLabel('Åpne høyst (antall)').fill('2');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  const err = page.locator('[data-error-for="candidates[1].nok_per_year"]');
  await err.filter({ hasText: /\S/ }).waitFor();
  assert.match(await err.innerText(), /Må være minst 0/);
  await cands.nth(1).getByLabel('Kostnad per år (kr)').fill('9 000 000 000');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  await page.locator('.progress-text', { hasText: /Ferdig/ }).waitFor({ timeout: 120000 });
  await page.locator('section.siting-answer').waitFor();
  return sec;
}

test('candidates dropped on the map: the crushing plant is chosen with its saving, in bokmål', async () => {
  const page = await newPage(browser, srv.base);
  await runSiting(page);
  const ans = page.locator('section.siting-answer');
  await ans.getByRole('heading', { name: 'Hvor regionen bør åpne' }).waitFor();
  const rows = ans.locator('table.siting-table tbody tr');
  assert.equal(await rows.count(), 2);
  const first = rows.nth(0);
  assert.equal(await first.locator('th').innerText(), 'Kandidat 1');
  assert.equal(await first.locator('td').nth(1).innerText(), 'Åpnes');
  const saving = await first.locator('td').nth(2).innerText();
  assert.match(saving, /^\d[\d\s\u00a0]*(,\d)?$/, `saving in Norwegian format: ${saving}`);
  assert.ok(nbNumber(saving) > 0, 'it saves');
  assert.equal(await first.locator('td').nth(0).innerText(), 'Sorterings-/knuseverk');
  assert.ok(nbNumber(await first.locator('td').nth(3).innerText()) > 3, 'it pays at more than its cost, 3 MNOK a year');
  // Its own CO2 saving with its range (alone, the choice's).
  assert.match(await first.locator('td.siting-co2-each').innerText(), /^-?\d[\d\s\u00a0]*(,\d)?\n5–95 %: -?\d[\d\s\u00a0]*(,\d)? til -?\d[\d\s\u00a0]*(,\d)?$/);
  assert.equal(await rows.nth(1).locator('td').nth(1).innerText(), 'Åpnes ikke');
  assert.equal(await rows.nth(1).locator('td').nth(2).innerText(), '–');
  // On the map: the chosen green, the other grey.
  assert.equal(await page.locator('#siting-map path.siting-open').count(), 1);
  assert.equal(await page.locator('#siting-map path.siting-closed').count(), 1);
  // The figures against none, CO2 with its range, the gap proven.
  assert.match(await ans.locator('.siting-co2').innerText(), /^CO₂ spart mot å åpne ingen.*: -?\d[\d\s\u00a0]*(,\d)? tonn\. 5–95 %: -?\d[\d\s\u00a0]*(,\d)? til -?\d[\d\s\u00a0]*(,\d)?$/);
  assert.match(await ans.locator('.siting-landfill').innerText(), /^Til deponi: -?\d[\d\s\u00a0]* tonn mindre\.$/);
  assert.match(await ans.locator('.siting-trucks').innerText(), /^(Lastebillass: \d[\d\s\u00a0]* færre|Flere lastebillass: \d[\d\s\u00a0]*)\.$/, 'no minus before "færre"');
  assert.match(await ans.locator('.siting-summary').innerText(), /1 av høyst 2 kandidatsteder åpnes.*bevist gap 0 %/);
  // The page says what the job's section says.
  await page.waitForURL(/#\/plan\/\d+$/);
  const id = page.url().match(/#\/plan\/(\d+)$/)[1];
  const job = await apiGet(srv.base, `/api/plans/${id}`, await apiToken(srv.base, 'kommune'));
  const si = job.result.siting;
  assert.equal(si.candidates[0].open, true);
  assert.equal(si.candidates[1].open, false);
  assert.ok(Math.abs(nbNumber(saving) - si.candidates[0].saving_nok / 1e6) <= 0.05 + 1e-9, `${saving} MNOK vs ${si.candidates[0].saving_nok}`);
  assert.equal(job.request.candidates[1].nok_per_year, 9e9, 'the typed figure, read as Norwegians write it');
  assert.equal(job.request.candidates[0].capacity_per_month.value, 25000, 'an empty field takes the estimate');
  assert.equal(job.request.candidates[0].nok_per_year, 3e6);
  // The answer as a document, downloaded with the reader's token.
  const [dl] = await Promise.all([page.waitForEvent('download'), ans.getByRole('button', { name: 'Svaret som dokument: HTML' }).click()]);
  const { readFile } = await import('node:fs/promises');
  const html = await readFile(await dl.path(), 'utf8');
  assert.match(html, /Hvor regionen bør åpne mellomlager og knuseverk/);
  assert.match(html, /Knuseverk/);
  assert.deepEqual(await checkA11y(page), [], 'axe on the plan page with the siting answer');
  await shot(page, 'siting');
  // The saved plan's address shows the candidates and the answer again.
  const again = await newPage(browser, srv.base);
  await signIn(again, srv.base, 'kommune');
  await again.goto(page.url());
  await again.locator('section.siting-answer table.siting-table tbody tr').nth(1).waitFor();
  assert.equal(await again.locator('li.siting-cand').count(), 2);
  assert.equal(await again.locator('#siting-map path.siting-open').count(), 1);
  await again.context().close();
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('the siting section works at 360 px', async () => {
  const page = await newPage(browser, srv.base, { width: 360, height: 740 });
  await runSiting(page);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `fits 360 px (${w})`);
  assert.equal(await page.locator('#siting-map path.siting-open').count(), 1);
  assert.deepEqual(await checkA11y(page), [], 'axe at 360 px');
  await shot(page, 'siting-360');
  await page.context().close();
});
