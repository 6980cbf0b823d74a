// build.mjs: bundles the dashboard with esbuild into OUTDIR (default web/dist):
//   index.html      the page tide run serves at /
//   dashboard.js    our code + uPlot, one IIFE script (also embedded by tide simulate --report)
//   dashboard.css   uPlot's style sheet + ours
// Usage: node build.mjs [--outdir DIR]. Needs `npm ci` first. Works on Node 18 and later.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf('--outdir');
const outdir = resolve(i > 0 ? process.argv[i + 1] : join(here, 'dist'));

await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { dashboard: join(here, 'src/main.js') },
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  legalComments: 'inline',
  outdir,
  logLevel: 'warning',
});
await copyFile(join(here, 'src/index.html'), join(outdir, 'index.html'));
console.log(`tide dashboard built into ${outdir}`);
