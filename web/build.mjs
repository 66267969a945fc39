/*
 * build.mjs - bundles the web front end into dist/ for the C server's
 * --static: dist/index.html, dist/app.js (src/main.js and its imports,
 * Leaflet, markercluster and d3-sankey, minified ES module), dist/app.css
 * (Leaflet's and markercluster's CSS followed by ours, with Leaflet's
 * marker images copied to dist/images/), each text file with a gzip copy
 * (name.gz) for the server to send compressed. Nothing is fetched at run time
 * from a CDN. Run with `npm run build`; `--dev` skips minification.
 */
import { build } from 'esbuild';
import { mkdir, copyFile, readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const dev = process.argv.includes('--dev');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'images'), { recursive: true });

const js = await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  outfile: join(dist, 'app.js'),
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const css = [
  'node_modules/leaflet/dist/leaflet.css',
  'node_modules/leaflet.markercluster/dist/MarkerCluster.css',
  'node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css',
  'src/style.css',
];
let out = '';
for (const f of css) out += `/* ${f} */\n${await readFile(join(here, f), 'utf8')}\n`;
await writeFile(join(dist, 'app.css'), out);

const img = join(here, 'node_modules/leaflet/dist/images');
for (const f of await readdir(img)) await copyFile(join(img, f), join(dist, 'images', f));
await copyFile(join(here, 'src/index.html'), join(dist, 'index.html'));

// A gzip copy of every text file next to it (name.gz), written after the
// file itself: the server sends it to a client that accepts gzip.
let zipped = 0;
for (const f of ['app.js', 'app.css', 'index.html']) {
  const data = await readFile(join(dist, f));
  const gz = gzipSync(data, { level: 9 });
  await writeFile(join(dist, `${f}.gz`), gz);
  if (f === 'app.js') zipped = gz.length;
}

const bytes = Object.values(js.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.log(`web: built dist/ (app.js ${Math.round(bytes / 1024)} KiB, gzip ${Math.round(zipped / 1024)} KiB; app.css ${Math.round(out.length / 1024)} KiB)`);
