/*
 * web_bench.mjs - the cold map page, measured in headless chromium
 * (bench/web-bench starts it; see there for what it prints).
 *
 * One fresh massebank-server (MB_SERVER) with the Trondheim demo on a
 * temporary database serves MB_WEB_DIST. Each load is cold: a new browser
 * context (empty cache), the map page (#/kart) in a new page, without map
 * tiles (localStorage "mb-tiles" = "none": the tiles are Kartverket's, not
 * ours, and this machine may have no way out; Playwright's request
 * interception, which the browser tests use to abort them, would also
 * turn the HTTP cache off). A request to anything but the server fails
 * the run.
 * For each load:
 *   - transferred bytes: the sum of Network.loadingFinished
 *     encodedDataLength over the page's requests (what came over the wire,
 *     headers included), from the DevTools protocol;
 *   - time to first map: from the start of navigation (performance.now()
 *     in the page) to the first Leaflet marker or cluster
 *     (.leaflet-marker-icon) in the DOM, seen by a MutationObserver.
 * The product (the browser's own Accept-Encoding: br and gzip copies) is
 * compared with a reference run in the same process with
 * "Accept-Encoding: identity" forced (the files as they are), each on
 * loopback and on an emulated slow 4G link (DevTools throttling: 1.6
 * Mbit/s down, 750 kbit/s up, 150 ms round trip, Lighthouse's mobile
 * profile), median of RUNS loads. A warm load (a second page in the same
 * context) shows what the caches save: index.html revalidated (304), the
 * hashed files not asked for at all.
 * Usage: node bench/web_bench.mjs [--runs N] [--json FILE]
 * Environment: MB_SERVER, MB_WEB_DIST, MB_CHROMIUM, MB_WEB_DIR (as the
 * browser tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const SERVER = process.env.MB_SERVER || join(repo, 'build/massebank-server');
const DIST = process.env.MB_WEB_DIST || join(repo, 'web/dist');
const CHROMIUM = process.env.MB_CHROMIUM || '/usr/bin/chromium';
const webDir = process.env.MB_WEB_DIR || join(repo, 'web');
const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', '5'));
const JSON_OUT = opt('--json', '');
const TARGET = 250 * 1024;
const LINKS = {
  loopback: null,
  'slow 4G': { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
};

async function startServer() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html missing: run scripts/build-web`);
  const dir = mkdtempSync(join(tmpdir(), 'mb-web-bench-'));
  const proc = spawn(SERVER, ['--db', join(dir, 'web.db'), '--port', '0', '--static', DIST, '--log', 'off'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30000);
    const onData = (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${out}`)); });
  });
  const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok(code ?? sig)));
  return { base, async stop() { proc.kill('SIGTERM'); await exited; rmSync(dir, { recursive: true, force: true }); } };
}

/* Watch for the first marker from the moment the document exists. */
function firstMarkerProbe() {
  const seen = () => {
    if (window.__mbFirstMap === undefined && document.querySelector('.leaflet-marker-icon')) {
      window.__mbFirstMap = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

/* One load of the map page in `context`; its figures. */
async function load(context, base, { identity, link }) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (identity) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  if (link) await cdp.send('Network.emulateNetworkConditions', link);
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => reqs.set(e.requestId, { url: e.request.url, type: e.type }));
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.fromCache = e.response.fromDiskCache || e.response.fromMemoryCache;
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = h['content-encoding'] || 'identity';
  });
  cdp.on('Network.requestServedFromCache', (e) => { const r = reqs.get(e.requestId); if (r) r.fromCache = true; });
  // The status on the wire (a revalidated file is reported as its cached
  // 200 by responseReceived, as 304 here).
  cdp.on('Network.responseReceivedExtraInfo', (e) => { const r = reqs.get(e.requestId); if (r) r.wire = e.statusCode; });
  cdp.on('Network.loadingFinished', (e) => { const r = reqs.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });
  await page.goto(`${base}/#/kart`);
  await page.waitForFunction(() => window.__mbFirstMap !== undefined, null, { timeout: 60000, polling: 50 });
  const ms = await page.evaluate(() => window.__mbFirstMap);
  // Let what the map asked for at start finish (every search page).
  await page.waitForLoadState('networkidle');
  await page.close();
  const all = [...reqs.values()].filter((r) => !r.url.startsWith('data:'));
  const mine = all.filter((r) => r.url.startsWith(base));
  if (mine.length !== all.length) throw new Error(`requests outside the server: ${all.filter((r) => !mine.includes(r)).map((r) => r.url).join(', ')}`);
  const bytes = mine.reduce((a, r) => a + (r.bytes || 0), 0);
  return { ms, bytes, reqs: mine };
}

async function cold(browser, base, how) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(() => localStorage.setItem('mb-tiles', 'none'));
  await context.addInitScript(firstMarkerProbe);
  try {
    const first = await load(context, base, how);
    const warm = how.warm ? await load(context, base, how) : null;
    return { first, warm };
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const pad = (s, n) => String(s).padEnd(n);

const server = await startServer();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
                                        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const results = {};
try {
  // One load to warm the server's database pages and the browser's code.
  await cold(browser, server.base, { identity: false, link: null });
  for (const [linkName, link] of Object.entries(LINKS)) {
    for (const identity of [false, true]) {
      const key = `${linkName}/${identity ? 'identity' : 'compressed'}`;
      const runs = [];
      // Alternate nothing: the runs of one kind in a row, the kinds in the
      // same process against the same server.
      for (let i = 0; i < RUNS; i++) runs.push(await cold(browser, server.base, { identity, link, warm: i === 0 }));
      results[key] = runs;
    }
  }
} finally {
  await browser.close();
  await server.stop();
}

const sample = results['loopback/compressed'][0].first;
console.log(`   requests of one cold load of ${'#/kart'} (compressed, loopback):`);
for (const r of sample.reqs) {
  const path = r.url.replace(/^http:\/\/[^/]+/, '');
  console.log(`     ${pad(kib(r.bytes || 0), 11)} ${pad(r.encoding || '-', 9)} ${pad(r.type, 11)} ${path.length > 70 ? `${path.slice(0, 67)}...` : path}`);
}
const byType = {};
for (const r of sample.reqs) byType[r.type] = (byType[r.type] || 0) + (r.bytes || 0);
console.log(`     by type: ${Object.entries(byType).map(([k, v]) => `${k} ${kib(v)}`).join(', ')}`);

const summary = {};
for (const linkName of Object.keys(LINKS)) {
  const c = results[`${linkName}/compressed`];
  const id = results[`${linkName}/identity`];
  const f = (runs) => ({ bytes: median(runs.map((r) => r.first.bytes)), ms: median(runs.map((r) => r.first.ms)) });
  const fc = f(c), fi = f(id);
  summary[linkName] = { compressed: fc, identity: fi };
  console.log(`   ${linkName}, median of ${RUNS} cold loads:`);
  console.log(`     compressed (br/gzip)   ${pad(kib(fc.bytes), 11)} first map ${fc.ms.toFixed(0).padStart(5)} ms`);
  console.log(`     identity (reference)   ${pad(kib(fi.bytes), 11)} first map ${fi.ms.toFixed(0).padStart(5)} ms`);
  console.log(`     identity / compressed: bytes ${(fi.bytes / fc.bytes).toFixed(2)}, time to first map ${(fi.ms / fc.ms).toFixed(2)}`);
}
const warm = results['loopback/compressed'][0].warm;
const revalidated = warm.reqs.filter((r) => r.wire === 304).length;
const cached = warm.reqs.filter((r) => r.fromCache && r.wire === undefined).length;
console.log(`   warm load (same browser, loopback): ${kib(warm.bytes)}, first map ${warm.ms.toFixed(0)} ms; ` +
            `${cached} from cache without asking, ${revalidated} answered 304`);
const product = summary.loopback.compressed.bytes;
console.log(`   map page under 250 KiB transferred (cold, compressed): ${product < TARGET ? 'met' : 'NOT met'} (${kib(product)})`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ runs: RUNS, summary, sample: sample.reqs, warm: warm.reqs }, null, 2));
