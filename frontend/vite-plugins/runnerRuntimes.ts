import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Build-time pieces of the runner origin (frontend/dist-runner/): the
 * self-hosted Pyodide runtime and `runtimes.json`, which the C server reads
 * to tell clients how much each language downloads the first time.
 */

const require = createRequire(import.meta.url);
const PYODIDE_DIR = dirname(require.resolve('pyodide/package.json'));

/** Files `loadPyodide` fetches from its indexURL (the JS API itself is bundled into the worker). */
export const PYODIDE_FILES = ['pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'] as const;

export interface PyodideManifest {
  version: string;
  /** Path of the runtime directory on the runner origin, with trailing slash. */
  indexPath: string;
  /** Raw (decoded) byte sizes: what a streamed reader of each file counts. */
  files: { name: string; bytes: number }[];
}

export function pyodideManifest(): PyodideManifest {
  const { version } = JSON.parse(readFileSync(join(PYODIDE_DIR, 'package.json'), 'utf8')) as { version: string };
  return {
    version,
    indexPath: `/pyodide/${version}/`,
    files: PYODIDE_FILES.map((name) => ({ name, bytes: statSync(join(PYODIDE_DIR, name)).size })),
  };
}

/** Copies the Pyodide runtime into the build under `pyodide/<version>/`. */
export function pyodideRuntime(manifest: PyodideManifest): Plugin {
  return {
    name: 'pairpad-pyodide-runtime',
    apply: 'build',
    async generateBundle() {
      for (const { name } of manifest.files) {
        this.emitFile({
          type: 'asset',
          fileName: posix.join(manifest.indexPath.slice(1), name),
          source: await readFile(join(PYODIDE_DIR, name)),
        });
      }
    },
  };
}

const CLANG_DIR = dirname(require.resolve('@yowasp/clang'));
/** What the @yowasp/clang bundle fetches next to itself: the LLVM modules and a tar of headers and libraries. */
export const CLANG_FILES = ['llvm.core.wasm', 'llvm.core2.wasm', 'llvm.core3.wasm', 'llvm.core4.wasm', 'llvm-resources.tar'] as const;

export interface ClangManifest {
  version: string;
  /** Path of the toolchain directory on the runner origin, with trailing slash. */
  path: string;
  /** Raw (decoded) byte sizes and hex SHA-256 of the raw bytes (checked on Cache Storage hits). */
  files: { name: string; bytes: number; sha256: string }[];
}

/** Hex SHA-256 of a file (what the runner checks a stored or downloaded copy against). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function clangManifest(): ClangManifest {
  const { version } = JSON.parse(readFileSync(join(CLANG_DIR, '..', 'package.json'), 'utf8')) as { version: string };
  if (!/^[\w.+-]+$/u.test(version)) throw new Error(`@yowasp/clang: unexpected version ${version}`);
  return {
    version,
    path: `/clang/${version}/`,
    files: CLANG_FILES.map((name) => ({ name, bytes: statSync(join(CLANG_DIR, name)).size, sha256: fileSha256(join(CLANG_DIR, name)) })),
  };
}

/**
 * Copies the toolchain into the build under `clang/<version>/` (versioned,
 * so it can be served immutable).
 */
export function clangRuntime(manifest: ClangManifest): Plugin {
  return {
    name: 'pairpad-clang-runtime',
    apply: 'build',
    async generateBundle() {
      for (const { name } of manifest.files) {
        this.emitFile({
          type: 'asset',
          fileName: posix.join(manifest.path.slice(1), name),
          source: await readFile(join(CLANG_DIR, name)),
        });
      }
    },
  };
}

/**
 * Worker-bundle half of clangRuntime: the bundle fetches its files relative
 * to its own URL (`new URL('./llvm.core.wasm', import.meta.url)`), which would
 * make Vite emit 100 MB of hashed copies next to the worker chunk; point it
 * at `clang/<version>/` instead.
 */
export function clangBundleBase(manifest: ClangManifest): Plugin {
  return {
    name: 'pairpad-clang-bundle-base',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').includes('/@yowasp/clang/gen/bundle.js')) return null;
      const out = code.replaceAll('import.meta.url', `new URL(${JSON.stringify(manifest.path)}, self.location.href).href`);
      if (out === code) throw new Error('@yowasp/clang: the bundle no longer resolves its files from import.meta.url');
      return { code: out, map: null };
    },
  };
}

/**
 * Relative paths of the chunks `file` imports statically, itself included;
 * with `dynamic`, also the chunks it loads with import() (a worker that
 * always loads its runtime that way).
 */
function staticClosure(outDir: string, file: string, seen = new Set<string>(), dynamic = false): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.endsWith('.js')) return seen;
  const code = readFileSync(join(outDir, file), 'utf8');
  // Static imports and re-exports only: dynamic import() chunks load on demand.
  const re = /(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/gu;
  const dyn = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/gu;
  const matches = [...code.matchAll(re), ...(dynamic ? code.matchAll(dyn) : [])];
  for (const m of matches) staticClosure(outDir, posix.join(posix.dirname(file), m[1]!), seen, dynamic);
  return seen;
}

/** Chunks the runner page loads: index.html plus its scripts, styles and preloads. */
export function pageFiles(outDir: string): Set<string> {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const files = new Set<string>(['index.html']);
  for (const m of html.matchAll(/(?:src|href)="\/([^"]+)"/gu)) {
    for (const f of staticClosure(outDir, m[1]!)) files.add(f);
  }
  return files;
}

/** The worker entry chunk built from `<kind>.worker.ts`. */
export function workerFiles(outDir: string, gzipBytes: ReadonlyMap<string, number>, kind: string, dynamic = false): Set<string> {
  const entry = [...gzipBytes.keys()].find((f) => new RegExp(`^assets/${kind}\\.worker-[\\w-]+\\.js$`, 'u').test(f));
  if (!entry) throw new Error(`runtimes.json: no ${kind} worker chunk in the build`);
  return staticClosure(outDir, entry, new Set(), dynamic);
}

/** Writes `runtimes.json`: gzip bytes a browser downloads to run each language the first time. */
export async function writeRuntimesJson(
  outDir: string,
  gzipBytes: ReadonlyMap<string, number>,
  manifest: PyodideManifest,
  clang: ClangManifest,
): Promise<void> {
  const sum = (files: Iterable<string>): number => {
    let total = 0;
    for (const f of files) {
      const n = gzipBytes.get(f);
      if (n === undefined) throw new Error(`runtimes.json: ${f} is not in the build`);
      total += n;
    }
    return total;
  };
  const page = pageFiles(outDir);
  const pyodide = manifest.files.map((f) => posix.join(manifest.indexPath.slice(1), f.name));
  const runtimes = {
    javascript: { bytes: sum(new Set([...page, ...workerFiles(outDir, gzipBytes, 'js')])) },
    typescript: { bytes: sum(new Set([...page, ...workerFiles(outDir, gzipBytes, 'ts')])) },
    python: { bytes: sum(new Set([...page, ...workerFiles(outDir, gzipBytes, 'python'), ...pyodide])) },
  };
  const compiler = sum(
    new Set([...page, ...workerFiles(outDir, gzipBytes, 'clang', true), ...clang.files.map((f) => posix.join(clang.path.slice(1), f.name))]),
  );
  Object.assign(runtimes, { c: { bytes: compiler }, cpp: { bytes: compiler } });
  await writeFile(join(outDir, 'runtimes.json'), `${JSON.stringify(runtimes)}\n`);
}
