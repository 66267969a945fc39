/*
 * documents.test.mjs - photos and documents in the browser: the developer
 * on a phone uploads a photo of the masses to its listing and sees the
 * thumbnail; a PDF renamed to .jpg and sent as a photo is refused next to
 * the file field and nothing is added; a reader sees the photo, not the
 * upload form. Bokmål, axe clean.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, newPage, signIn, apiToken, apiGet, shot } from './helpers.mjs';
import { checkA11y } from './axe.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

// A 1x1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c63f8ffff3f0005fe02fea73581840000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('a photo uploaded from a phone, a disguised file refused', async () => {
  const token = await apiToken(srv.base, 'utbygger');
  const org = (await apiGet(srv.base, '/api/me', token)).organisation.id;
  const listing = (await apiGet(srv.base, `/api/listings?type=supply&org=${org}&status=published&per_page=1`)).items[0];
  const page = await newPage(browser, srv.base, { width: 375, height: 812 });
  await signIn(page, srv.base, 'utbygger');
  await page.goto(`${srv.base}/#/annonse/${listing.id}`);
  const sec = page.locator('section.documents');
  await sec.getByLabel('Fil').setInputFiles({ name: 'grop.png', mimeType: 'image/png', buffer: PNG });
  await sec.getByLabel('Hva er det?').selectOption('photo');
  await sec.getByRole('button', { name: 'Last opp' }).click();
  const img = page.locator('section.documents img.doc-thumb[alt="grop.png"]');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector('img.doc-thumb')?.naturalWidth === 1);
  // a PDF named .jpg, sent as a photo
  const before = (await apiGet(srv.base, `/api/listings/${listing.id}/documents`, token)).documents.length;
  await sec.getByLabel('Fil').setInputFiles({ name: 'bilde.jpg', mimeType: 'image/jpeg', buffer: PDF });
  await sec.getByLabel('Hva er det?').selectOption('photo');
  await sec.getByRole('button', { name: 'Last opp' }).click();
  const err = sec.locator('[data-error-for="body"]');
  await err.filter({ hasText: /PDF/ }).waitFor();
  assert.equal((await apiGet(srv.base, `/api/listings/${listing.id}/documents`, token)).documents.length, before);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the page is ${width} px wide on a 375 px phone`);
  const v = await checkA11y(page);
  assert.deepEqual(v, [], `axe on the listing with its documents:\n  ${v.join('\n  ')}`);
  await shot(page, 'documents-phone');
  // a reader sees the photo, and no upload
  const reader = await newPage(browser, srv.base);
  await reader.goto(`${srv.base}/#/annonse/${listing.id}`);
  await reader.locator('section.documents img.doc-thumb[alt="grop.png"]').waitFor();
  assert.equal(await reader.locator('section.documents form').count(), 0);
  await page.close();
  await reader.close();
});
