/*
 * roads.test.mjs - road distances on a listing's page (docs/roads.md): a
 * server with the hand-made fjord region's road database (built with
 * `massebank roads build`, the CLI beside MB_SERVER). A supply at W and
 * two landfills: E across the fjord (10 km in a straight line, 23.3 km by
 * road round it) and NE. The table says "kjørevei" with the minutes for
 * each, ranks NE first, and the map draws the drive round the fjord, not
 * a straight line across the water; on a phone too, and in English. A
 * region plan of the three sites draws its flow along the road too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, openBrowser, newPage, signIn, apiToken, SERVER, shot } from './helpers.mjs';
import { assertA11y } from './axe.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let srv; let browser; let dir; let w; let e; let ne;

async function post(path, token, body) {
  const r = await fetch(`${srv.base}${path}?status=published`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text).id;
}

const landfill = (name, lat, lon) => ({ type: 'landfill', name, lat, lon, accepts: ['rock.*'], max_class: 2,
  capacity_per_year: { value: 50000, unit: 't' }, gate_fee_nok_per_t: 0 });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-roads-'));
  execFileSync(join(dirname(SERVER), 'massebank'), ['roads', 'build', join(repo, 'tests/data/roads/fjord.osm'), '-o', join(dir, 'roads')]);
  srv = await startServer({ extra: ['--roads', join(dir, 'roads')] });
  browser = await openBrowser();
  const dev = await apiToken(srv.base, 'utbygger'); const op = await apiToken(srv.base, 'deponi');
  w = await post('/api/listings', dev, { type: 'supply', title: 'Sprengstein ved fjorden', lat: 63.4, lon: 10.3,
    material: 'rock.blasted', class: 1, amount: { value: 1000, unit: 't' }, window: { from: '2030-03', to: '2030-08' } });
  e = await post('/api/facilities', op, landfill('Deponi over fjorden', 63.4, 10.5));
  ne = await post('/api/facilities', op, landfill('Deponi i nordøst', 63.46, 10.5));
  // The road worker brings the pairs up to date in the background.
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await (await fetch(`${srv.base}/api/listings/${w}/matches?limit=100`, { headers: { Authorization: `Bearer ${dev}` } })).json();
    const by = (id) => r.matches.find((m) => m.site_id === id);
    if (by(e)?.km_source === 'road' && by(ne)?.km_source === 'road') break;
    assert.ok(Date.now() < deadline, 'the road distances did not come within 60 s');
    await new Promise((ok) => setTimeout(ok, 200));
  }
});
after(async () => {
  await browser?.close();
  if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

for (const [width, lang] of [[1280, 'nb'], [360, 'nb'], [1280, 'en']]) {
  test(`the drive round the fjord, ${width} px, ${lang}`, async () => {
    const page = await newPage(browser, srv.base, { width, height: 800 });
    await signIn(page, srv.base, 'utbygger');
    await page.evaluate((l) => localStorage.setItem('mb-lang', l), lang);
    await page.goto(`${srv.base}/#/annonse/${w}`);
    await page.reload();
    const rowE = page.locator('.match-row', { hasText: 'Deponi over fjorden' });
    const rowNE = page.locator('.match-row', { hasText: 'Deponi i nordøst' });
    await rowE.waitFor();
    const road = lang === 'nb' ? /23,3\s*langs vei\s*minst 20 min/ : /23\.3\s*by road\s*at least 20 min/;
    assert.match((await rowE.locator('.km-road').innerText()).replace(/\s+/g, ' '), road);
    // NE is nearer by road, though farther in a straight line.
    const rank = async (row) => Number(await row.locator('td').first().innerText());
    assert.ok(await rank(rowNE) < await rank(rowE));
    // The drives are drawn along the road, round the fjord: each bends
    // (the straight line W-E would be flat, at one latitude).
    await page.waitForFunction(() => document.querySelectorAll('path.route-drawn').length >= 2);
    const drawn = await page.evaluate(() => [...document.querySelectorAll('path.route-drawn')]
      .map((p) => ({ bends: (p.getAttribute('d').match(/L/g) || []).length, height: p.getBBox().height })));
    assert.ok(drawn.every((d) => d.bends >= 2 && d.height > 10), JSON.stringify(drawn));
    await page.locator('.km-kinds').waitFor();
    assert.match(await page.locator('.km-kinds').innerText(), lang === 'nb' ? /målt langs vei for vogntog på 50 tonn/ : /measured along the road for a 50 t truck and trailer/);
    if (lang === 'nb') assert.doesNotMatch(await page.locator('.matches').innerText(), /not_computed|no_road|estimate\b/);
    await assertA11y(page, `roads ${width} ${lang}`);
    await shot(page, `roads-${lang}-${width}`);
    assert.deepEqual(page.errors || [], []);
  });
}

// A region plan of the three sites: W's masses go to NE along the road
// (round the fjord by the estimate's standards), and the plan's map draws
// that flow along the road, not as a straight line.
test('a plan\'s flows are drawn along the road', async () => {
  const mun = await apiToken(srv.base, 'kommune');
  const call = async (method, path, body) => {
    const r = await fetch(`${srv.base}${path}`, { method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${mun}` }, body: body && JSON.stringify(body) });
    const text = await r.text();
    assert.ok(r.status < 300, `${path}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  const job = await call('POST', '/api/plans', { bbox: [10.29, 63.395, 10.51, 63.465], from: '2030-01', to: '2030-12', name: 'Fjorden 2030' });
  const deadline = Date.now() + 60000;
  let done;
  while (!(done = await call('GET', `/api/jobs/${job.id}`)).state.match(/done|failed/)) {
    assert.ok(Date.now() < deadline, 'the plan did not finish within 60 s');
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.equal(done.state, 'done', done.message);
  const saved = await call('GET', `/api/plans/${job.id}`);
  const flows = saved.result.plan.flows.filter((f) => f.from === `L${w}`);
  assert.ok(flows.length && flows.every((f) => f.to === `F${ne}` && f.km_source === 'road'), JSON.stringify(flows));
  const page = await newPage(browser, srv.base, { width: 1280, height: 900 });
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/plan/${job.id}`);
  await page.locator('#plan-map[data-routes="1"]').waitFor();
  const drawn = await page.evaluate(() => [...document.querySelectorAll('#plan-map path.flow-line.route-drawn')]
    .map((p) => ({ bends: (p.getAttribute('d').match(/L/g) || []).length, height: p.getBBox().height })));
  // W to NE by road: north along the west shore, then east: it bends.
  assert.equal(drawn.length, 1, JSON.stringify(drawn));
  assert.ok(drawn[0].bends >= 2 && drawn[0].height > 10, JSON.stringify(drawn));
  assert.equal(await page.locator('#plan-map path.flow-line.estimate').count(), 0);
  await shot(page, 'roads-plan-map');
  assert.deepEqual(page.errors || [], []);
});
