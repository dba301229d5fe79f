import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Files the C server may serve with a `.br`/`.gz` sibling. */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|wasm|tar|data|pch|txt|map)$/u;
/** Past this size brotli's top quality takes minutes (the 75 MB compiler): quality 9 is within 5% of it. */
export const BROTLI_MAX_QUALITY_BYTES = 16 * 1024 * 1024;
/** Smaller files are served as they are. */
export const COMPRESS_MIN_BYTES = 1024;

export interface PrecompressOptions {
  /**
   * Called once every sibling is written, with the bytes a browser accepting
   * gzip downloads for each file of the build (the `.gz` size, or the raw size
   * when the file is served uncompressed), keyed by `/`-separated path
   * relative to the output directory.
   */
  onDone?: (outDir: string, gzipBytes: ReadonlyMap<string, number>) => Promise<void>;
}

export async function walkFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walkFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return files.flat();
}

/**
 * Writes `.br` and `.gz` next to every compressible file of the build; the
 * C server serves them when the browser accepts that encoding.
 */
export function precompress(options: PrecompressOptions = {}): Plugin {
  let outDir = 'dist';
  return {
    name: 'pairpad-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const gzipBytes = new Map<string, number>();
      for (const file of await walkFiles(outDir)) {
        const key = relative(outDir, file).split(sep).join('/');
        const size = (await stat(file)).size;
        if (!COMPRESSIBLE.test(file) || size < COMPRESS_MIN_BYTES) {
          if (!file.endsWith('.gz') && !file.endsWith('.br')) gzipBytes.set(key, size);
          continue;
        }
        const data = await readFile(file);
        const gz = gzipSync(data, { level: 9 });
        await writeFile(`${file}.gz`, gz);
        await writeFile(
          `${file}.br`,
          brotliCompressSync(data, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: data.length > BROTLI_MAX_QUALITY_BYTES ? 9 : 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        );
        gzipBytes.set(key, gz.length);
      }
      await options.onDone?.(outDir, gzipBytes);
    },
  };
}
