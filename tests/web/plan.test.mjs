/*
 * plan.test.mjs - matches for a demo listing (ranked rows, lines on the
 * map), the demo plan run as kommune@ for 5001 over 2026-01..2026-12
 * (progress, savings, flow lines, Sankey), and the dashboard (capacity
 * against surplus, and the planned CO2 from the plan just run).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiGet, apiToken, shot } from './helpers.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

test('matches for a demo supply are ranked and drawn as lines', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  const list = await apiGet(srv.base, '/api/listings?type=supply&per_page=1');
  const id = list.items[0].id;
  await page.goto(`${srv.base}/#/annonse/${id}`);
  const rows = page.locator('.matches-table tbody tr.match-row');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(n >= 2, `several matches (${n})`);
  // Ranked: the total per tonne (column 6) never falls down the list.
  const totals = await page.$$eval('.matches-table tbody tr', (trs) => trs.map((tr) => Number(tr.children[5].textContent.replace(/\s/g, '').replace(',', '.'))));
  for (let i = 1; i < totals.length; i++) assert.ok(totals[i] >= totals[i - 1], `rank ${i + 1} ${totals[i]} >= ${totals[i - 1]}`);
  assert.equal(await page.locator('#site-map path.match-line').count(), n, 'one line per match');
  await shot(page, 'matches');
  await page.context().close();
});

test('the demo plan runs and shows savings, flows and the Sankey diagram; the dashboard shows it', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan`);
  await page.getByLabel('Kommunenummer (kommaseparert)').fill('5001');
  await page.getByLabel('Fra måned').fill('2026-01');
  await page.getByLabel('Til måned').fill('2026-12');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  await page.locator('.progress-text', { hasText: /Ferdig/ }).waitFor({ timeout: 60000 });
  const co2 = await page.locator('.sv-co2 .stat-value').innerText();
  assert.match(co2, /^\d[\d\s\u00a0]*(,\d)?$/, `CO2 saved in Norwegian format: ${co2}`);
  const co2t = Number(co2.replace(/[\s\u00a0]/g, '').replace(',', '.'));
  assert.ok(co2t > 0, 'the plan saves CO2');
  // The plan is saved, with an address of its own that shows the same figures.
  await page.waitForURL(/#\/plan\/\d+$/);
  const planUrl = page.url();
  const other = await newPage(browser, srv.base);
  await signIn(other, srv.base, 'kommune');
  await other.goto(planUrl);
  await other.locator('.sv-co2 .stat-value', { hasText: co2 }).waitFor();
  await other.goto(`${srv.base}/#/plan`);
  await other.locator('.saved-plan-list li a').first().waitFor();
  assert.equal(new URL(await other.locator('.saved-plan-list li a').first().getAttribute('href'), planUrl).hash,
    new URL(planUrl).hash, 'the newest saved plan is this one');
  await other.close();
  // Every saving comes with its range, and the page says how it is counted.
  assert.match(await page.locator('.sv-co2 .stat-range').innerText(), /^5–95 %: -?\d[\d\s\u00a0]*(,\d)? til -?\d[\d\s\u00a0]*(,\d)?$/);
  assert.match(await page.locator('.method').innerText(), /fra brønn til hjul/);
  assert.match(await page.locator('.method').innerText(), /utenfor regionen/);
  assert.equal(await page.locator('.method-top li').count(), 3, 'the three factors that move CO2 most');
  assert.ok(await page.locator('.factors-table tbody tr').count() >= 30, 'every factor with its source');
  for (const k of ['sv-trucks', 'sv-landfill', 'sv-cost']) assert.ok((await page.locator(`.${k} .stat-value`).innerText()).length > 0);
  // The landfill card adds up: in the region plus outside it, as it says.
  const split = await page.locator('.sv-landfill-split').innerText();
  const [all, inside, outside] = [...split.matchAll(/(-?\d[\d\s\u00a0]*) t/g)].map((m) => Number(m[1].replace(/[\s\u00a0]/g, '')));
  assert.ok(Math.abs(all - inside - outside) <= 1, `${all} = ${inside} + ${outside}: ${split}`);
  assert.equal(all, Number((await page.locator('.sv-landfill .stat-value').innerText()).replace(/[\s\u00a0]/g, '')));
  assert.equal(await page.locator('.months-table tbody tr').count(), 12);
  assert.ok(await page.locator('#plan-map path.flow-line').count() > 5, 'flows on the map');
  const links = await page.locator('svg.sankey path').count();
  assert.ok(links > 5, `Sankey links (${links})`);
  assert.ok(await page.locator('svg.sankey rect').count() > 5, 'Sankey nodes');
  assert.match(await page.locator('.savings .planned').innerText(), /Planlagt, ikke levert/);
  // Landfill capacity by year: one row for 2026, a sentence per practice.
  const fcRows = page.locator('.forecast-table tbody tr');
  assert.equal(await fcRows.count(), 1);
  assert.equal(await fcRows.first().locator('th').innerText(), '2026');
  const surplus = Number((await fcRows.first().locator('td').first().innerText()).replace(/[\s\u00a0]/g, ''));
  assert.ok(surplus > 0, `surplus in 2026 (${surplus})`);
  assert.match(await page.locator('.fc-today').innerText(), /^Med dagens praksis (går deponikapasiteten tom i 2026|holder deponikapasiteten hele perioden)\.$/);
  assert.match(await page.locator('.fc-plan').innerText(), /^Med planen (går deponikapasiteten tom i 2026|holder deponikapasiteten hele perioden)\.$/);
  await shot(page, 'plan');

  await page.goto(`${srv.base}/#/dashbord`);
  const chart = page.locator('svg.ikap-chart');
  await chart.waitFor();
  assert.equal(await chart.locator('rect.bar').count(), 11, 'one bar per year 2020-2030');
  assert.equal(await chart.locator('line.ref-line').count(), 1, 'the surplus line');
  assert.ok(await page.locator('svg.hbar rect').count() >= 8, 'one bar per municipality');
  const dash = await page.locator('.co2-card').innerText();
  assert.match(dash, /Planlagt, ikke levert/);
  assert.ok(dash.includes(co2), `the dashboard shows the plan's ${co2} t CO2`);
  // Delivered this year: the demo's confirmed loads, as the API counts them.
  const year = new Date(Date.now() + 3600e3).getUTCFullYear();
  const stats = await apiGet(srv.base, `/api/stats?year=${year}`, await apiToken(srv.base, 'kommune'));
  assert.ok(stats.total.loads > 0, 'the demo has confirmed loads');
  const table = page.locator('table.stats-table');
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), stats.municipalities.length);
  const foot = await table.locator('tfoot td').allInnerTexts();
  assert.equal(Number(foot[foot.length - 1]), stats.total.loads, 'loads in the total row');
  assert.equal(Number(foot[foot.length - 2].replace(/[\s\u00a0]/g, '')), Math.round(stats.total.total_t), 'tonnes in the total row');
  await shot(page, 'dashboard');
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('the Sankey of a whole region over five years draws (flows in a circle included) and says how it groups', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'kommune');
  const token = await apiToken(srv.base, 'kommune');
  const sites = [...(await apiGet(srv.base, '/api/listings?per_page=100', token)).items,
    ...(await apiGet(srv.base, '/api/facilities?per_page=100', token)).items];
  const codes = [...new Set(sites.map((x) => x.municipality).filter((c) => /^\d{4}$/.test(c || '')))];
  assert.ok(codes.length >= 5, `the demo region's municipalities (${codes.join(', ')})`);
  await page.goto(`${srv.base}/#/plan`);
  await page.getByLabel('Kommunenummer (kommaseparert)').fill(codes.join(', '));
  await page.getByLabel('Fra måned').fill('2027-01');
  await page.getByLabel('Til måned').fill('2031-12');
  await page.getByRole('button', { name: 'Kjør plan' }).click();
  await page.locator('.progress-text', { hasText: /Ferdig/ }).waitFor({ timeout: 120000 });
  assert.equal(await page.locator('.sankey-failed').count(), 0, 'the diagram is drawn');
  const svg = page.locator('svg.sankey');
  const links = await svg.locator('path').count();
  assert.ok(links > 3, `links drawn (${links})`);
  const box = await svg.boundingBox();
  assert.ok(box.height < 1700, `readable height (${box.height} px)`);
  const grouped = await svg.getAttribute('data-grouped');
  assert.ok(Number(grouped) > 80, `hundreds of sites, one box per kind (${grouped})`);
  assert.match(await page.locator('.sankey-note').innerText(), /én boks per type sted/);
  // The region moves masses in a circle (plant and storage): drawn into a "↺" box.
  assert.ok(Number(await svg.getAttribute('data-circles')) >= 1, 'a circle was broken');
  assert.ok(await svg.locator('rect > title', { hasText: '↺' }).count() >= 1, 'the box it returns to');
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});
