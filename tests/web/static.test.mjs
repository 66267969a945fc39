/*
 * static.test.mjs - the built front end as the browser loads it (issue
 * 16, "Fast to load"): web/build.mjs names the bundle by its content
 * (app.<10 hex digits of SHA-256>.js and .css), index.html names those
 * files, each text file has a brotli and a gzip copy that decode to it,
 * and the images the CSS names are there. In chromium the bundle comes
 * brotli-compressed with a year's "immutable" lifetime, index.html
 * revalidated; a second visit takes the bundle from the browser's cache
 * without asking and gets 304 for index.html. The context here does not
 * intercept requests (Playwright's routing would turn the cache off): the
 * map runs without tiles through localStorage "mb-tiles".
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, openBrowser, DIST } from './helpers.mjs';

let srv; let browser;
before(async () => { srv = await startServer(); browser = await openBrowser(); });
after(async () => { await browser?.close(); if (srv) assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM'); });

const html = () => readFileSync(join(DIST, 'index.html'), 'utf8');
const bundle = () => {
  const js = html().match(/<script type="module" src="(app\.([0-9a-f]{10})\.js)">/);
  const css = html().match(/<link rel="stylesheet" href="(app\.([0-9a-f]{10})\.css)">/);
  assert.ok(js && css, 'index.html names app.<hash>.js and app.<hash>.css');
  return { js: js[1], jsHash: js[2], css: css[1], cssHash: css[2] };
};

test('the build: hashed names, brotli and gzip copies, the images the CSS names', () => {
  const b = bundle();
  const files = readdirSync(DIST);
  assert.ok(!files.includes('app.js') && !files.includes('app.css'), 'no unhashed bundle left');
  for (const [name, hash] of [[b.js, b.jsHash], [b.css, b.cssHash]]) {
    const data = readFileSync(join(DIST, name));
    assert.equal(createHash('sha256').update(data).digest('hex').slice(0, 10), hash, `${name}: the hash is its content's`);
  }
  for (const name of [b.js, b.css, 'index.html']) {
    const data = readFileSync(join(DIST, name));
    const br = readFileSync(join(DIST, `${name}.br`));
    const gz = readFileSync(join(DIST, `${name}.gz`));
    assert.ok(brotliDecompressSync(br).equals(data), `${name}.br decodes to ${name}`);
    assert.ok(gunzipSync(gz).equals(data), `${name}.gz decodes to ${name}`);
    if (name !== 'index.html') assert.ok(br.length < gz.length && gz.length < data.length / 3, `${name}: br ${br.length} < gzip ${gz.length} < a third of ${data.length}`);
  }
  const css = readFileSync(join(DIST, b.css), 'utf8');
  const images = [...css.matchAll(/url\(["']?(images\/[^"')]+)["']?\)/g)].map((m) => m[1]);
  assert.ok(images.includes('images/layers.png'), 'Leaflet\'s CSS names its images');
  for (const img of images) assert.ok(existsSync(join(DIST, img)), `${img} is in dist/`);
});

test('in the browser: brotli, a year for the bundle, 304 and the cache on the second visit', async () => {
  const b = bundle();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(() => localStorage.setItem('mb-tiles', 'none'));
  try {
    const visit = async () => {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const seen = new Map();
      const at = (url) => { const p = new URL(url).pathname; if (!seen.has(p)) seen.set(p, {}); return seen.get(p); };
      cdp.on('Network.responseReceived', (e) => {
        const r = at(e.response.url);
        r.status = e.response.status;
        r.headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
        r.cached = r.cached || e.response.fromDiskCache || e.response.fromMemoryCache;
      });
      const ids = new Map();
      cdp.on('Network.requestWillBeSent', (e) => ids.set(e.requestId, e.request.url));
      cdp.on('Network.requestServedFromCache', (e) => { if (ids.has(e.requestId)) at(ids.get(e.requestId)).cached = true; });
      // The status on the wire: a revalidated response is reported as the
      // cached 200 by responseReceived, as 304 here.
      cdp.on('Network.responseReceivedExtraInfo', (e) => { if (ids.has(e.requestId)) at(ids.get(e.requestId)).wire = e.statusCode; });
      await page.goto(`${srv.base}/#/kart`);
      await page.locator('.leaflet-marker-icon').first().waitFor({ state: 'attached' });
      await page.close();
      return seen;
    };
    const first = await visit();
    for (const name of [b.js, b.css]) {
      const r = first.get(`/${name}`);
      assert.equal(r?.status, 200, `${name} loaded`);
      assert.equal(r.headers['content-encoding'], 'br', `${name} came brotli-compressed`);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    }
    assert.equal(first.get('/').headers['cache-control'], 'no-cache');
    assert.equal(first.get('/').headers['content-encoding'], 'br');
    assert.equal(first.get('/api/listings').headers['content-encoding'], 'gzip', 'the map\'s listings came gzipped');
    const second = await visit();
    assert.equal(first.get('/').wire, 200);
    assert.equal(second.get('/').wire, 304, 'index.html revalidated: 304');
    for (const name of [b.js, b.css]) {
      const r = second.get(`/${name}`);
      assert.ok(r?.cached, `${name} from the browser's cache the second time`);
      assert.equal(r.wire, undefined, `${name} not asked for the second time`);
    }
  } finally {
    await context.close();
  }
});
