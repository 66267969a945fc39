/*
 * files.test.mjs - files in and out through the browser: my listings as
 * Excel (read back with openpyxl: one row per listing), a CSV import that
 * is checked first and refused with every bad row named (nothing saved),
 * then imported whole once corrected, the mass handling plan of a listing
 * as PDF (rendered with pdftoppm), and the municipality's statistics as
 * CSV with the API's totals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';

let srv; let browser; let dir;
before(async () => { srv = await startServer(); browser = await openBrowser(); dir = mkdtempSync(join(tmpdir(), 'mb-files-')); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

async function save(page, click, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(dir, name);
  await dl.saveAs(path);
  return { path, suggested: dl.suggestedFilename() };
}

async function ownCount(token, org) {
  return (await apiGet(srv.base, `/api/listings?org=${org}&status=draft,published,reserved,closed&per_page=1`, token)).total;
}

test('export my listings as Excel, import a CSV checked row by row, download a mass handling plan', async () => {
  const token = await apiToken(srv.base, 'utbygger');
  const org = (await apiGet(srv.base, '/api/me', token)).organisation.id;
  const page = await newPage(browser, srv.base, { acceptDownloads: true });
  await signIn(page, srv.base, 'utbygger');
  await page.locator('table.listings-table, table.mine-table').first().waitFor();

  const before = await ownCount(token, org);
  const x = await save(page, () => page.getByRole('button', { name: 'Last ned annonsene: Excel' }).click(), 'mine.xlsx');
  assert.match(x.suggested, /\.xlsx$/);
  const [sheet, rows, heads] = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
    'import json,openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).active; '
    + 'print(json.dumps([ws.title, ws.max_row - 1, [c.value for c in ws[1]]]))', x.path]).toString());
  assert.equal(rows, before, 'one row per own listing');
  // For people in bokmål: the sheet and headers in Norwegian, names beside the codes.
  assert.equal(sheet, 'Annonser');
  for (const name of ['Tittel', 'Materiale', 'Materiale (navn)', 'Kommune (navn)', 'Mengde (t)']) assert.ok(heads.includes(name), `${name} in ${heads}`);

  // A CSV with a bad row (unknown material) and a reversed window: refused, each row named.
  const head = 'type,tittel,materiale,tilstandsklasse,mengde,enhet,fra,til,breddegrad,lengdegrad';
  const good = 'supply,Import stein,rock.blasted,1,500,t,2026-05,2026-09,63.42,10.40';
  const bad = 'supply,Import feil,rock.blaster,1,200,t,2026-09,2026-05,63.43,10.41';
  const csv = join(dir, 'import.csv');
  writeFileSync(csv, `${head}\n${good}\n${bad}\n`);
  const imp = page.locator('details.import').first();
  await imp.locator('summary').click();
  await imp.getByLabel('Fil (.csv eller .xlsx)').setInputFiles(csv);
  await imp.getByRole('button', { name: 'Kontroller fila' }).click();
  await imp.locator('.import-problems li').first().waitFor();
  const problems = await imp.locator('.import-problems li').allInnerTexts();
  assert.ok(problems.length >= 2, `every problem listed: ${problems.join(' | ')}`);
  assert.ok(problems.some((p) => /rock\.blaster/.test(p)), 'the unknown material');
  assert.equal(await ownCount(token, org), before, 'nothing saved');
  await imp.getByRole('button', { name: 'Importer' }).click();
  await imp.locator('.import-problems li').first().waitFor();
  assert.equal(await ownCount(token, org), before, 'still nothing saved');
  await shot(page, 'import-refused');

  // Corrected: checked, then imported whole.
  writeFileSync(csv, `${head}\n${good}\n${bad.replace('rock.blaster', 'rock.blasted').replace('2026-09,2026-05', '2026-05,2026-09')}\n`);
  await imp.getByLabel('Fil (.csv eller .xlsx)').setInputFiles(csv);
  await imp.getByRole('button', { name: 'Kontroller fila' }).click();
  await imp.locator('.note-ok', { hasText: 'Alle 2 rader er i orden' }).waitFor();
  assert.equal(await ownCount(token, org), before);
  await imp.getByRole('button', { name: 'Importer' }).click();
  await imp.locator('.note-ok', { hasText: '2 rader er importert' }).waitFor();
  assert.equal(await ownCount(token, org), before + 2);

  // The mass handling plan of one of them, as PDF.
  const mine = await apiGet(srv.base, `/api/listings?org=${org}&status=draft,published&q=Import&per_page=5`, token);
  const id = mine.items[0].id;
  await page.goto(`${srv.base}/#/annonse/${id}`);
  const pdf = await save(page, () => page.getByRole('button', { name: 'Massehåndteringsplan: PDF' }).click(), 'mhp.pdf');
  assert.equal(readFileSync(pdf.path).subarray(0, 5).toString(), '%PDF-');
  execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdf.path, join(dir, 'mhp')]);
  assert.ok(statSync(join(dir, 'mhp-1.png')).size > 2000, 'the first page renders');
  const text = execFileSync('pdftotext', [pdf.path, '-']).toString();
  assert.match(text, /Massehåndteringsplan/);
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('the municipality downloads the statistics as CSV with the API totals', async () => {
  const token = await apiToken(srv.base, 'kommune');
  const year = new Date(Date.now() + 3600e3).getUTCFullYear();
  const stats = await apiGet(srv.base, `/api/stats?year=${year}`, token);
  const page = await newPage(browser, srv.base, { acceptDownloads: true });
  await signIn(page, srv.base, 'kommune');
  await page.goto(`${srv.base}/#/dashbord`);
  await page.locator('table.stats-table').waitFor();
  const f = await save(page, () => page.getByRole('button', { name: 'Last ned statistikken: CSV' }).click(), 'stats.csv');
  const lines = readFileSync(f.path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const ti = header.indexOf('Tonn');
  assert.ok(ti >= 0, `a tonnes column in ${lines[0]}`);
  // Tonnes for people are rounded to 0.1 t, each row at most 0.05 t off.
  const total = lines.slice(1).reduce((a, l) => a + Number(l.split(',')[ti]), 0);
  assert.ok(Math.abs(total - stats.total.total_t) <= 0.05 * (lines.length - 1) + 1e-9, `CSV ${total} t = API ${stats.total.total_t} t`);
  await page.context().close();
});
