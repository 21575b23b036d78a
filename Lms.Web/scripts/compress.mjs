// Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the built app (dist/), at the
// highest levels: done once at build time, so the server sends the small copy without compressing
// anything per request (Lms.Server/Hosting/PrecompressedFiles.cs picks one by Accept-Encoding).
// A copy that would not be smaller than the file is not written (the server then sends the file).
import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.xml', '.map', '.wasm', '.ttf', '.otf']);
const smallest = 512; // below one packet, compression only adds a header

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let plain = 0, br = 0, gz = 0, count = 0;
for (const path of [...files(dist)]) {
  if (path.endsWith('.br') || path.endsWith('.gz')) { unlinkSync(path); continue; }
  if (!compressible.has(extname(path))) continue;
  const data = readFileSync(path);
  if (data.length < smallest) continue;
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_MODE]: extname(path) === '.woff2' ? constants.BROTLI_MODE_FONT : constants.BROTLI_MODE_TEXT,
    },
  });
  const gzip = gzipSync(data, { level: 9 });
  if (brotli.length < data.length) writeFileSync(path + '.br', brotli);
  if (gzip.length < data.length) writeFileSync(path + '.gz', gzip);
  plain += data.length; br += Math.min(brotli.length, data.length); gz += Math.min(gzip.length, data.length); count++;
}
console.log(`compress: ${count} files, ${Math.round(plain / 1024)} KB -> brotli ${Math.round(br / 1024)} KB, gzip ${Math.round(gz / 1024)} KB`);
