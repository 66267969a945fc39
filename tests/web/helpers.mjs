/*
 * helpers.mjs - shared set-up of the browser tests of the web front end.
 *
 * startServer() runs a fresh massebank-server (env MB_SERVER) on --port 0
 * with a temporary --db (so the Trondheim demo is loaded) and --static
 * MB_WEB_DIST, and reads the port from its "listening on
 * http://127.0.0.1:PORT/" line; stop() sends SIGTERM and resolves to the
 * exit code, which the tests assert is 0. openBrowser() launches Debian's
 * chromium (env MB_CHROMIUM) headless through playwright-core. Tile
 * requests to the outside are aborted, so the tests also show that the
 * map works without tiles. Screenshots go to MB_ARTIFACTS. playwright-core
 * is loaded from web/node_modules (env MB_WEB_DIR overrides web/).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
export const SERVER = process.env.MB_SERVER || join(repo, 'build/massebank-server');
export const DIST = process.env.MB_WEB_DIST || join(repo, 'web/dist');
export const CHROMIUM = process.env.MB_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.MB_ARTIFACTS || join(repo, 'test-artifacts/web');
// playwright-core is installed in web/node_modules (web/package.json); tests/web has none of its own.
const webDir = process.env.MB_WEB_DIR || join(repo, 'web');
const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');

export const PASSWORD = 'massebank-demo';
export const user = (name) => `${name}@demo.massebank.no`;

/* Start a server on a free port; resolves to {base, stop(), proc}. */
export async function startServer({ extra = [] } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html missing: run npm run build in web/`);
  const dir = mkdtempSync(join(tmpdir(), 'mb-web-'));
  const proc = spawn(SERVER, ['--db', join(dir, 'web.db'), '--port', '0', '--static', DIST, '--log', 'off', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 20000);
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
  return {
    base,
    proc,
    db: join(dir, 'web.db'),
    async stop() {
      proc.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/* Launch headless chromium. */
export async function openBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/* A new page on base with outside requests (map tiles) aborted. */
export async function newPage(browser, base, { width = 1280, height = 900, lang = 'nb' } = {}) {
  // Reduced motion: the map then draws without fades, so a popup or a
  // marker is fully opaque as soon as it exists (axe measures contrast
  // on what is on screen; a popup half-way through fading in failed it).
  const context = await browser.newContext({ viewport: { width, height },
                                             reducedMotion: 'reduce' });
  await context.route((url) => !url.href.startsWith(base), (r) => r.abort());
  await context.addInitScript((l) => { if (!localStorage.getItem('mb-lang')) localStorage.setItem('mb-lang', l); }, lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors = page.errors || []; page.errors.push(e); });
  page.setDefaultTimeout(15000);
  return page;
}

/* Sign in through the form (email, password, Enter) and wait for the landing page. */
export async function signIn(page, base, who) {
  await page.goto(`${base}/#/logg-inn`);
  await page.getByLabel('E-post').fill(user(who));
  await page.getByLabel('Passord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  // A hauler lands on its jobs, everyone else on their listings.
  await page.waitForURL(/#\/(mine|oppdrag)/);
}

/* A token straight from the API (for checks behind the UI's back). */
export async function apiToken(base, who) {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user(who), password: PASSWORD }),
  });
  return (await r.json()).token;
}

/* GET an API path as JSON with an optional token. */
export async function apiGet(base, path, token) {
  const r = await fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return r.json();
}

/* Save a full-page screenshot as MB_ARTIFACTS/name.png. */
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
