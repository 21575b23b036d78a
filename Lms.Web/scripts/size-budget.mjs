// The size budget, checked by `npm run build` after Vite wrote dist/: what each page downloads before it is usable
// (its scripts' static import closure and their CSS, gzip as the server sends them) and every single chunk are held
// under the numbers in size-budget.json. A page loads what its route module imports; dynamic imports load later.
// Usage: node scripts/size-budget.mjs [--report]   (--report prints the table and never fails)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const budget = JSON.parse(readFileSync(path.join(here, 'size-budget.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const reportOnly = process.argv.includes('--report');

const gzipBytes = new Map();
function gzipped(file) {
  if (!gzipBytes.has(file)) gzipBytes.set(file, gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length);
  return gzipBytes.get(file);
}

/** The files a manifest key pulls in before it runs: its chunk, its static imports (transitively) and their CSS. */
function staticClosure(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`size-budget.json names ${key}, which is not in the build's manifest`);
  if (files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imported of chunk.imports ?? []) staticClosure(imported, files);
  return files;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const failures = [];
const rows = [];
for (const [page, spec] of Object.entries(budget.pages)) {
  const files = new Set();
  for (const key of spec.modules) staticClosure(key, files);
  let js = 0, css = 0;
  for (const file of files) (file.endsWith('.css') ? (css += gzipped(file)) : (js += gzipped(file)));
  const html = spec.includeHtml ? gzipped('index.html') : 0;
  const total = js + css + html;
  rows.push({ page, js: kb(js), css: kb(css), html: kb(html), totalKb: kb(total), budgetKb: spec.maxKb, files: files.size });
  if (total > spec.maxKb * 1024) failures.push(`page "${page}" downloads ${kb(total)} KB (gzip) before it is usable; its budget is ${spec.maxKb} KB`);
}
const chunkRows = [];
for (const chunk of new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]).filter((f) => /\.(js|css)$/.test(f)))) {
  const size = gzipped(chunk);
  const limit = (budget.chunks[chunkName(chunk)] ?? budget.chunks['*']) * 1024;
  chunkRows.push({ chunk, gzipKb: kb(size), budgetKb: limit / 1024, size });
  if (size > limit) failures.push(`chunk ${chunk} is ${kb(size)} KB (gzip); its budget is ${limit / 1024} KB`);
}

/** assets/livekit-client.esm-C8xTKU_T.js → livekit-client.esm.js: budgets name chunks without their content hash. */
function chunkName(file) {
  return path.basename(file).replace(/-[A-Za-z0-9_-]{8}(\.\w+)$/, '$1');
}

console.table(rows);
if (reportOnly) console.table(chunkRows.sort((a, b) => b.size - a.size).slice(0, 15).map(({ size, ...row }) => row));
if (failures.length && !reportOnly) {
  console.error(`\nSize budget exceeded (scripts/size-budget.json; see docs/performance-budget.md):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(failures.length ? `${failures.length} over budget (report only)` : 'Size budget: every page and chunk within budget.');
