#!/usr/bin/env node
// Writes .br and .gz siblings of the compressible files of a built front end,
// so pairpad serves them without compressing per request:
//   node scripts/precompress.mjs frontend/dist
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(js|mjs|css|html|json|map|svg|wasm|txt|webmanifest|data)$/;
const MIN_BYTES = 1024;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const root = process.argv[2];
if (!root) {
  console.error("usage: precompress.mjs DIR");
  process.exit(2);
}
let count = 0;
let raw = 0;
let br = 0;
for (const path of files(root)) {
  if (!COMPRESSIBLE.test(path)) continue;
  const data = readFileSync(path);
  if (data.length < MIN_BYTES) continue;
  const b = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  const g = gzipSync(data, { level: 9 });
  if (b.length < data.length) writeFileSync(`${path}.br`, b);
  if (g.length < data.length) writeFileSync(`${path}.gz`, g);
  count++;
  raw += data.length;
  br += b.length;
}
console.log(`precompressed ${count} files: ${(raw / 1024).toFixed(0)} KiB -> ${(br / 1024).toFixed(0)} KiB brotli`);
