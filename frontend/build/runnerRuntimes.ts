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

/** Relative paths of the chunks `file` imports statically, itself included. */
function staticClosure(outDir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.endsWith('.js')) return seen;
  const code = readFileSync(join(outDir, file), 'utf8');
  // Static imports and re-exports only: dynamic import() chunks load on demand.
  const re = /(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/gu;
  for (const m of code.matchAll(re)) staticClosure(outDir, posix.join(posix.dirname(file), m[1]!), seen);
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
export function workerFiles(outDir: string, gzipBytes: ReadonlyMap<string, number>, kind: string): Set<string> {
  const entry = [...gzipBytes.keys()].find((f) => new RegExp(`^assets/${kind}\\.worker-[\\w-]+\\.js$`, 'u').test(f));
  if (!entry) throw new Error(`runtimes.json: no ${kind} worker chunk in the build`);
  return staticClosure(outDir, entry);
}

/** Writes `runtimes.json`: gzip bytes a browser downloads to run each language the first time. */
export async function writeRuntimesJson(
  outDir: string,
  gzipBytes: ReadonlyMap<string, number>,
  manifest: PyodideManifest,
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
  await writeFile(join(outDir, 'runtimes.json'), `${JSON.stringify(runtimes)}\n`);
}
