/*
 * whatif.test.mjs - "Hva om …?" under a solved plan, in a real browser
 * at phone width: the busiest landfill closed from the first month, the
 * figures now and with the change side by side in Norwegian numbers, the
 * landfill's intake going to zero, a listing's amount refused in bokmål
 * when it is not a number, and no horizontal scrolling at 360 px.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiGet, apiToken, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

const n = (s) => Number(s.replace(/[\s\u00a0]/g, '').replace('+', '').replace('−', '-').replace(',', '.'));

async function solvedPlan(token) {
  const r = await fetch(`${srv.base}/api/plans`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ municipalities: ['5001'], from: '2026-01', to: '2026-12', name: 'Hva om-test' }),
  });
  assert.equal(r.status, 202);
  const { id } = await r.json();
  for (let i = 0; i < 600; i++) {
    const job = await apiGet(srv.base, `/api/plans/${id}`, token);
    if (job.state === 'done') return job;
    assert.notEqual(job.state, 'failed', job.message);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the plan did not finish');
}

test('closing the busiest landfill, side by side on a phone', async () => {
  const token = await apiToken(srv.base, 'kommune');
  const job = await solvedPlan(token);
  const intake = new Map();
  for (const f of job.result.plan.flows) if (f.to_kind === 'landfill') intake.set(f.to, (intake.get(f.to) || 0) + f.tonnes);
  const [busiest, tonnes] = [...intake].sort((a, b) => b[1] - a[1])[0];
  const site = job.result.plan.sites.find((x) => x.id === busiest);
  const page = await newPage(browser, srv.base, { width: 360, height: 740 });
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan/${job.id}`);
  const sec = page.locator('section.whatif');
  await sec.getByRole('heading', { name: 'Hva om …?' }).waitFor();
  await sec.getByLabel('Endring', { exact: true }).selectOption({ label: 'Et anlegg stenger' });
  await sec.getByLabel('Anlegg', { exact: true }).selectOption({ label: `${site.name} (Deponi)` });
  await sec.getByLabel('Stengt fra og med').fill('2026-01');
  assert.equal(await sec.getByLabel('Ny mengde i alt').isVisible(), false, 'no amount field for a closing');
  await sec.getByRole('button', { name: 'Regn ut' }).click();
  const table = sec.locator('table.whatif-table');
  await table.waitFor({ timeout: 60000 });
  const cost = sec.locator('tr[data-row="cost_nok"] td');
  const [now, then, diff] = await cost.allInnerTexts();
  assert.match(now, /^\d{1,3}([\s\u00a0]\d{3})*$/, `cost in Norwegian digits: ${now}`);
  assert.ok(n(then) >= n(now), `closing a landfill cannot make the plan cheaper (${now} -> ${then})`);
  assert.ok(Math.abs(n(then) - n(now) - n(diff)) <= 1, `difference is after - before (${diff})`);
  const row = sec.locator(`table.whatif-moved tr[data-site="${busiest}"] td`);
  const [before, afterT] = await row.allInnerTexts();
  assert.ok(Math.abs(n(before) - tonnes) <= 1, `the landfill took ${tonnes} t (${before})`);
  assert.equal(n(afterT), 0, 'and takes nothing once closed');
  assert.match(await sec.locator('.whatif-time').innerText(), /Regnet ut på [\d\s\u00a0]+ ms/);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `fits 360 px (${w})`);
  assert.deepEqual(await checkA11y(page), [], 'axe on the plan page with a what-if');
  await shot(page, 'whatif-phone');
  await sec.screenshot({ path: `${process.env.MB_ARTIFACTS || 'test-artifacts/web'}/whatif-section.png` });
  // A listing's amount that is not a number is refused here, in bokmål.
  await sec.getByLabel('Endring', { exact: true }).selectOption({ label: 'En oppføring får en annen mengde' });
  // Listings are told apart by their amount and months, and the field
  // starts at the listing's own amount in its own unit.
  const labels = await sec.getByLabel('Oppføring', { exact: true }).locator('option').allInnerTexts();
  assert.equal(new Set(labels).size, labels.length, `every listing has its own label (${labels.length})`);
  const chosen = await sec.getByLabel('Oppføring', { exact: true }).inputValue();
  const first = job.result.scenario.sites.find((x) => x.id === chosen);
  assert.equal(n(await sec.getByLabel('Ny mengde i alt').inputValue()), first.amount.value);
  assert.equal(await sec.getByLabel('Enhet').inputValue(), first.amount.unit);
  await sec.getByLabel('Ny mengde i alt').fill('mye');
  await sec.getByRole('button', { name: 'Regn ut' }).click();
  await sec.locator('.field-error', { hasText: /tall/i }).waitFor();
  // A crushing plant opened in the plan's municipality: never dearer.
  await sec.getByLabel('Endring', { exact: true }).selectOption({ label: 'Et nytt anlegg åpner' });
  assert.equal(await sec.getByLabel('Kommunenummer').inputValue(), '5001', 'the plan\'s municipality to start from');
  await sec.getByLabel('Kommunenummer').fill('50');
  await sec.getByRole('button', { name: 'Regn ut' }).click();
  await sec.locator('.field-error', { hasText: /Fire siffer/ }).waitFor();
  await sec.getByLabel('Kommunenummer').fill('5001');
  await sec.getByRole('button', { name: 'Regn ut' }).click();
  await sec.locator('.whatif-time', { hasText: /fra forrige løsning/ }).waitFor({ timeout: 60000 });
  const [openNow, openThen] = await sec.locator('tr[data-row="cost_nok"] td').allInnerTexts();
  assert.ok(n(openThen) <= n(openNow) + 1, `opening a plant cannot make the plan dearer (${openNow} -> ${openThen})`);
  // A new amount is asked of the server and answered.
  await sec.getByLabel('Endring', { exact: true }).selectOption({ label: 'En oppføring får en annen mengde' });
  await sec.getByLabel('Ny mengde i alt').fill('12 500');
  await sec.getByRole('button', { name: 'Regn ut' }).click();
  await sec.locator('.whatif-time', { hasText: /fra forrige løsning/ }).waitFor({ timeout: 60000 });
  await page.context().close();
});
