import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { addCxxPchRuntimesJson, cxxPchDefine, cxxPchRuntime, loadCxxPch } from './vite-plugins/cxxPch.ts';
import { addGoRuntimeJson, goRuntime, loadGoRuntime } from './vite-plugins/goRuntime.ts';
import { precompress } from './vite-plugins/precompress.ts';
import { addScriptRuntimesJson, scriptRuntimeDefines, scriptRuntimes, scriptRuntimesManifest } from './vite-plugins/scriptRuntimes.ts';
import { clangBundleBase, clangManifest, clangRuntime, pyodideManifest, pyodideRuntime, writeRuntimesJson } from './vite-plugins/runnerRuntimes.ts';

/**
 * The runner origin (served by the C server on --runner-port): a sandboxed
 * page that runs code in workers. Built apart from the app so that nothing of
 * the app, and no runtime of the runner, crosses origins.
 */
const manifest = pyodideManifest();
const scripts = scriptRuntimesManifest();
const clang = clangManifest();
const go = loadGoRuntime();
// Built (≈30 s) only when frontend/.cxx-pch/ has none for this toolchain, header and flags.
const pch = await loadCxxPch(clang);

export default defineConfig({
  root: fileURLToPath(new URL('./runner', import.meta.url)),
  base: '/',
  publicDir: false,
  resolve: {
    // Pyodide's Node-only code paths (dynamic imports of node:fs etc.) are never taken here; nor are
    // wasmoon's ('module', 'url').
    alias: [{ find: /^(?:node:.*|module|url)$/u, replacement: fileURLToPath(new URL('./runner/src/nodeBuiltinStub.ts', import.meta.url)) }],
  },
  plugins: [
    pyodideRuntime(manifest),
    clangRuntime(clang),
    cxxPchRuntime(pch),
    scriptRuntimes(scripts),
    goRuntime(go),
    precompress({
      onDone: async (outDir, gzipBytes) => {
        await writeRuntimesJson(outDir, gzipBytes, manifest, clang);
        await addCxxPchRuntimesJson(outDir, gzipBytes, pch);
        await addScriptRuntimesJson(outDir, gzipBytes, scripts);
        await addGoRuntimeJson(outDir, gzipBytes, go);
      },
    }),
  ],
  define: {
    __PYODIDE_INDEX_PATH__: JSON.stringify(manifest.indexPath),
    __PYODIDE_FILES__: JSON.stringify(manifest.files),
    ...scriptRuntimeDefines(scripts),
    __CLANG_PATH__: JSON.stringify(clang.path),
    __CLANG_FILES__: JSON.stringify(clang.files),
    __CXX_PCH__: cxxPchDefine(pch),
    __GO_RUNTIME__: JSON.stringify(go?.manifest ?? null),
  },
  build: {
    outDir: fileURLToPath(new URL('./dist-runner', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
  worker: {
    format: 'es',
    plugins: () => [clangBundleBase(clang)],
  },
});
