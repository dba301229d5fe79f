/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const target = process.env.PAIRPAD_URL ?? 'http://localhost:8000';

/**
 * Writes `.br` and `.gz` next to every compressible file of the build; the
 * C server serves them when the browser accepts that encoding.
 */
function precompress(): Plugin {
  const compressible = /\.(?:js|mjs|css|html|svg|json|wasm|txt|map)$/u;
  let outDir = 'dist';
  return {
    name: 'pairpad-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const walk = async (dir: string): Promise<string[]> => {
        const entries = await readdir(dir, { withFileTypes: true });
        const files = await Promise.all(
          entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
        );
        return files.flat();
      };
      for (const file of await walk(outDir)) {
        if (!compressible.test(file) || (await stat(file)).size < 1024) continue;
        const data = await readFile(file);
        await writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
        await writeFile(
          `${file}.br`,
          brotliCompressSync(data, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), precompress()],
  resolve: {
    alias: [
      {
        // y-monaco 0.1.6 imports this pre-0.5x path, which monaco-editor's exports map no longer exposes.
        find: /^monaco-editor\/esm\/vs\/editor\/editor\.api(?:\.js)?$/u,
        replacement: fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/editor/editor.api.js', import.meta.url)),
      },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
  worker: {
    format: 'es',
  },
  server: {
    proxy: {
      '/api': { target, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.{ts,tsx}'],
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
  },
});
