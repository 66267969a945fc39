/*
 * build.mjs - bundles the web front end into dist/ for the C server's
 * --static: dist/index.html, dist/app.<hash>.js (src/main.js and its
 * imports, Leaflet, markercluster and d3-sankey, minified ES module),
 * dist/app.<hash>.css (Designsystemet's CSS and its default theme, then
 * Leaflet's and markercluster's CSS, then ours, with Leaflet's marker
 * images copied to dist/images/, which the CSS names relative to itself).
 * <hash> is the first 10 hex digits of the SHA-256 of the file's bytes,
 * so a changed file has a new name: the server lets a browser cache a
 * hashed name for a year ("immutable") and asks it to revalidate
 * index.html, the one file that names them, every time.
 * Next to each text file a brotli copy (name.br, quality 11, text mode)
 * and a gzip copy (name.gz, level 9) for the server to send to a client
 * that accepts them. Nothing is fetched at run time from a CDN. Run with
 * `npm run build`; `--dev` skips minification.
 */
import { build } from 'esbuild';
import { mkdir, copyFile, readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const dev = process.argv.includes('--dev');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'images'), { recursive: true });

/* name.<first 10 hex digits of SHA-256>.ext (server/assets.c recognises
 * 8 or more lowercase hex digits between dots as a content hash). */
const hashed = (name, data) => {
  const dot = name.lastIndexOf('.');
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 10);
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
};

const js = await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  outfile: join(dist, 'app.js'),
  legalComments: 'eof',
  write: false,
  logLevel: 'warning',
});
if (js.outputFiles.length !== 1) throw new Error(`esbuild wrote ${js.outputFiles.length} files, expected app.js alone`);
const appJs = hashed('app.js', js.outputFiles[0].contents);
await writeFile(join(dist, appJs), js.outputFiles[0].contents);

// Designsystemet first: its rules sit in the CSS layer "ds", so Leaflet's
// and ours (unlayered) win where they meet; docs/web.md says which classes
// we use.
const css = [
  'node_modules/@digdir/designsystemet-css/dist/src/index.css',
  'node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css',
  'node_modules/leaflet/dist/leaflet.css',
  'node_modules/leaflet.markercluster/dist/MarkerCluster.css',
  'node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css',
  'src/style.css',
];
let out = '';
for (const f of css) out += `/* ${f} */\n${await readFile(join(here, f), 'utf8')}\n`;
const appCss = hashed('app.css', out);
await writeFile(join(dist, appCss), out);

const img = join(here, 'node_modules/leaflet/dist/images');
for (const f of await readdir(img)) await copyFile(join(img, f), join(dist, 'images', f));

// index.html names the hashed files; a name it no longer holds is an error
// here rather than a page without its script.
let html = await readFile(join(here, 'src/index.html'), 'utf8');
for (const [plain, name] of [['href="app.css"', `href="${appCss}"`], ['src="app.js"', `src="${appJs}"`]]) {
  if (!html.includes(plain)) throw new Error(`src/index.html has no ${plain}`);
  html = html.replace(plain, name);
}
await writeFile(join(dist, 'index.html'), html);

// A brotli and a gzip copy of every text file next to it, written after
// the file itself (the server sends a copy only if it is not older).
const sizes = {};
for (const f of [appJs, appCss, 'index.html']) {
  const data = await readFile(join(dist, f));
  const gz = gzipSync(data, { level: 9 });
  const br = brotliCompressSync(data, {
    params: {
      [zc.BROTLI_PARAM_QUALITY]: 11,
      [zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_TEXT,
      [zc.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  await writeFile(join(dist, `${f}.gz`), gz);
  await writeFile(join(dist, `${f}.br`), br);
  sizes[f] = [data.length, gz.length, br.length].map((n) => Math.round(n / 1024));
}
const line = (f) => `${f} ${sizes[f][0]} KiB, gzip ${sizes[f][1]} KiB, br ${sizes[f][2]} KiB`;
console.log(`web: built dist/ (${line(appJs)}; ${line(appCss)})`);
