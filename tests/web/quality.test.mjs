/*
 * quality.test.mjs - issue 14 in the browser, in bokmål on a phone-sized
 * screen: a supply whose detection limit leaves the class open shows
 * "2–4 (ikke påvist under 0,05 mg/kg Benzen)" and each landfill
 * template's verdict with the value that decides it; an operator sets a
 * landfill to the inert template with a leaching limit and class-range
 * acceptance through the facility form, and the page shows them; an
 * alum-shale supply carries the warning that it goes only to an approved
 * receiver; a contaminated demo surplus shows its class, its lab values and
 * the landfills for contaminated masses that take it, the clean-mass ones
 * excluded.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function apiPost(path, token, body) {
  const r = await fetch(`${srv.base}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  assert.equal(r.status, 201, JSON.stringify(j));
  return j;
}

test('a class range, the background and the template verdicts read in bokmål', async () => {
  const token = await apiToken(srv.base, 'utbygger');
  const s = await apiPost('/api/listings?status=published', token, {
    type: 'supply', title: 'Masser med benzen under deteksjonsgrensen', lat: 63.43, lon: 10.39,
    material: 'soil.moraine', amount: { value: 800, unit: 't' }, window: { from: '2026-05', to: '2026-07' },
    lab: [{ substance: 'Pb', value: 70 }, { substance: 'Benzen', value: '<0,05' },
          { substance: 'Ba', value: 25, leached: true }],
  });
  assert.equal(s.class, 4);
  const page = await newPage(browser, srv.base, { width: 390, height: 844 });
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/annonse/${s.id}`);
  const facts = page.locator('dl.facts');
  await facts.waitFor();
  const text = await facts.innerText();
  assert.match(text, /2–4 \(ikke påvist under 0,05 mg\/kg Benzen\)/);
  assert.match(text, /Ba 25 \(utlekket, L\/S = 10\)/);
  assert.match(text, /Deponi for inert avfall: godtas ikke – Ba utlekket \(L\/S = 10\): 25 mg\/kg er over grensen 20 mg\/kg/);
  assert.match(text, /Ordinært avfall i celle med stabilt, ikke-reaktivt farlig avfall \(vedlegg II pkt. 2.2.2\): ingen grense overskredet, men ikke alt er analysert/);
  assert.doesNotMatch(text, /leached|above|not detected/, 'no English in the bokmål view');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe on the listing:\n  ${violations.join('\n  ')}`);
  await shot(page, 'quality-range-phone');
  await page.close();
});

test('the operator sets a landfill to the inert template with a leaching limit', async () => {
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'deponi');
  const token = await apiToken(srv.base, 'deponi');
  await page.locator('#main-nav').getByRole('link', { name: 'Nytt anlegg' }).click();
  const form = page.locator('form.facility-form');
  await form.waitFor();
  await form.getByLabel('Navn', { exact: true }).fill('Inertdeponi Heimdal');
  await form.getByLabel('Breddegrad (N)').fill('63.35');
  await form.getByLabel('Lengdegrad (Ø)').fill('10.36');
  await form.getByRole('group', { name: 'Materialer som tas imot' }).getByLabel('Hele gruppen: Jord og løsmasser').check();
  await form.getByLabel('Kapasitet per år').fill('20000');
  await form.getByLabel('Mottakskriterier (avfallsforskriften vedlegg II)').selectOption('inert');
  await form.getByLabel('Tar imot masser med klassespenn').check();
  await form.getByRole('button', { name: 'Legg til utlekkingsgrense' }).click();
  await form.locator('fieldset.leaching-limits .limit-row').getByLabel('Stoff').fill('Ba');
  await form.locator('fieldset.leaching-limits .limit-row').getByLabel('Grense').fill('15');
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe on the facility form:\n  ${violations.join('\n  ')}`);
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await page.waitForURL(/#\/anlegg\/\d+/);
  const id = Number(page.url().match(/anlegg\/(\d+)/)[1]);
  const saved = await apiGet(srv.base, `/api/facilities/${id}`, token);
  assert.equal(saved.acceptance, 'inert');
  assert.equal(saved.accepts_class_range, true);
  assert.deepEqual(saved.leaching_limits, { Ba: 15 });
  const text = await page.locator('dl.facts').innerText();
  assert.match(text, /Deponi for inert avfall/);
  assert.match(text, /Ba 15 mg\/kg/);
  await page.close();
});

test('an alum-shale surplus is shown as such', async () => {
  const token = await apiToken(srv.base, 'utbygger');
  const s = await apiPost('/api/listings?status=published', token, {
    type: 'supply', title: 'Alunskifer fra tunnel', lat: 59.91, lon: 10.75, material: 'rock.acid',
    class: 1, amount: { value: 5000, unit: 't' }, window: { from: '2026-05', to: '2026-07' },
  });
  const page = await newPage(browser, srv.base, { width: 390, height: 844 });
  await page.goto(`${srv.base}/#/annonse/${s.id}`);
  await page.locator('.note-warn').filter({ hasText: 'Syredannende bergart (alunskifer): skal bare til mottak som er godkjent for det.' }).waitFor();
  await page.close();
});

test('a lab report uploaded in the form becomes the listing\'s sample set', async () => {
  const page = await newPage(browser, srv.base, { width: 390, height: 844 });
  await signIn(page, srv.base, 'utbygger');
  const token = await apiToken(srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/ny`);
  const f = page.locator('form.listing-form');
  await f.getByLabel('Type annonse').selectOption('supply');
  await f.getByLabel('Tittel').fill('Masser med prøveserie fra Eurofins');
  await f.getByLabel('Materiale', { exact: true }).selectOption('soil.moraine');
  await f.getByLabel('Mengde', { exact: true }).fill('2000');
  await f.getByLabel('Fra måned').fill('2026-05');
  await f.getByLabel('Til måned').fill('2026-08');
  await f.getByLabel('Breddegrad (N)').fill('63.43');
  await f.getByLabel('Lengdegrad (Ø)').fill('10.39');
  // A report the API refuses: its message next to the file, nothing kept.
  await f.getByLabel('Velg analyserapport').setInputFiles({ name: 'feil.csv', mimeType: 'text/csv',
    buffer: Buffer.from('Prøvenr,Dybde fra,Dybde til,Pb\nSK1,2,1,40\n') });
  await f.locator('[data-error-for="samples"]').filter({ hasText: /below its bottom|under/ }).waitFor();
  const report = 'Prøvenr;Dybde;Parameter;Resultat;Enhet\n' +
    'SK1;0-1;As (Arsen);2,5;mg/kg TS\nSK1;0-1;Pb (Bly);85;mg/kg TS\n' +
    'SK2;1-2;Sum PAH(16) EPA;<0,5;mg/kg TS\nSK2;1-2;Benzen;<0,05;mg/kg TS\n';
  await f.getByLabel('Velg analyserapport').setInputFiles({ name: 'rapport.csv', mimeType: 'text/csv',
    buffer: Buffer.from(report) });
  await f.locator('.samples-view').filter({ hasText: '2 prøver lest fra rapporten' }).waitFor();
  assert.match(await f.locator('.samples-view').innerText(), /SK1 \(0–1 m\): tilstandsklasse 2/);
  await f.getByLabel('Prøvetatt areal (m², valgfritt)').fill('800');
  await page.getByRole('button', { name: 'Lagre og publiser' }).click();
  await page.waitForURL(/#\/annonse\/\d+/);
  const id = Number(page.url().match(/annonse\/(\d+)/)[1]);
  const saved = await apiGet(srv.base, `/api/listings/${id}`, token);
  assert.equal(saved.samples.length, 2);
  assert.equal(saved.class, 4);
  assert.equal(saved.class_from_lab.sampling.too_few, true);
  // the report itself is kept as the listing's lab report, next to its values
  assert.deepEqual(saved.documents.map((d) => [d.name, d.kind, d.mime]), [['rapport.csv', 'lab_report', 'text/csv']]);
  const text = await page.locator('dl.facts').innerText();
  assert.match(text, /Analyserapport\s+rapport\.csv/);
  assert.match(text, /2 prøver på 800 m²: anbefalt minst 7 – for få prøver \(anslag etter veiledning, ikke verifisert\)/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
  await shot(page, 'quality-samples-phone');
  await page.close();
});

test('a contaminated demo surplus shows its class, its lab values and the landfills that take it', async () => {
  // The demo seed (market/seed_quality.c): class-3 surpluses with lab values,
  // landfills for contaminated masses, and the clean-mass ones excluded.
  const found = await apiGet(srv.base, '/api/search?type=supply&q=forurenset&per_page=500');
  const s = found.items.find((x) => x.class === 3 && x.keywords?.includes('demo')) ||
    found.items.find((x) => x.class === 3);
  assert.ok(s, 'a class-3 demo surplus');
  const page = await newPage(browser, srv.base);
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/annonse/${s.id}`);
  const facts = page.locator('dl.facts');
  await facts.waitFor();
  const text = await facts.innerText();
  assert.match(text, /Tilstandsklasse\s+3\b/);
  assert.match(text, /Analyseresultater\s+As [\d,]+, Pb [\d,]+/);
  assert.match(text, /laget for demoen/);
  // The long label of the template verdicts leaves the values room (it
  // took the whole card once and squeezed them to a column of letters).
  const widths = await page.$$eval('dl.facts dd', (dds) => dds.map((d) => d.getBoundingClientRect().width));
  assert.ok(Math.min(...widths) >= 150, `values ${Math.round(Math.min(...widths))} px wide`);
  const rows = page.locator('.matches-table tbody tr.match-row');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(n >= 1, 'a receiver takes class 3');
  for (let i = 0; i < n; i++) assert.match(await rows.nth(i).innerText(), /forurensede masser.*\(demo\)/);
  const summary = await page.locator('section.matches details summary').innerText();
  const excluded = Number(summary.match(/Utelatt \((\d+)\)/)?.[1]);
  assert.ok(excluded >= 13, `the 13 landfills for clean masses are excluded (${summary})`);
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe on a contaminated demo listing:\n  ${violations.join('\n  ')}`);
  await shot(page, 'quality-demo-class3');
  await page.close();
});
