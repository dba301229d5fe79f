import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { pageFiles, workerFiles } from './runnerRuntimes.ts';
import { GO_COMPILER, GO_LINKER, GO_STD, GO_WASM_EXEC, type GoRuntimeManifest } from '../runner/src/goManifest.ts';

/**
 * The Go toolchain of the runner origin: scripts/build-go-runtime.sh builds
 * it into frontend/.go-runtime/ (compile.wasm, link.wasm, one archive per
 * standard-library package, wasm_exec.js); this plugin packs the archives
 * into one file and emits everything under `/go/<version>-<hash>/`, a path
 * that changes whenever a byte does, so it can be served immutable.
 */

export const GO_RUNTIME_DIR = fileURLToPath(new URL('../.go-runtime/', import.meta.url));
export const GO_PATH_PREFIX = '/go/';

export interface GoRuntime {
  manifest: GoRuntimeManifest;
  /** File name under the prefix → bytes (wasm_exec.js included). */
  sources: Map<string, Buffer>;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Reads the toolchain built by scripts/build-go-runtime.sh, or null (with a warning) when it is missing. */
export function loadGoRuntime(dir = GO_RUNTIME_DIR): GoRuntime | null {
  if (!existsSync(join(dir, 'stamp'))) {
    console.warn(`${dir} is missing (scripts/build-go-runtime.sh builds it): this runner build cannot run Go.`);
    return null;
  }
  const version = readFileSync(join(dir, 'version'), 'utf8').trim();
  if (!/^go[\w.+-]+$/u.test(version)) throw new Error(`go runtime: unexpected version ${version}`);
  const lines = (name: string): string[] => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);

  const packages: GoRuntimeManifest['packages'] = [];
  const archives: Buffer[] = [];
  let offset = 0;
  for (const line of lines('packages.txt')) {
    const [path, file] = line.split(' ');
    if (!path || !file) throw new Error(`go runtime: bad packages.txt line: ${line}`);
    const data = readFileSync(join(dir, 'pkg', file));
    packages.push({ path, offset, size: data.length });
    archives.push(data);
    offset += data.length;
  }
  const sources = new Map<string, Buffer>([
    [GO_COMPILER, readFileSync(join(dir, GO_COMPILER))],
    [GO_LINKER, readFileSync(join(dir, GO_LINKER))],
    [GO_STD, Buffer.concat(archives)],
  ]);
  const files = [...sources].map(([name, data]) => ({ name, bytes: data.length, sha256: sha256(data) }));
  const wasmExec = readFileSync(join(dir, GO_WASM_EXEC));
  sources.set(GO_WASM_EXEC, wasmExec);
  const hash = sha256(Buffer.from([...files.map((f) => f.sha256), sha256(wasmExec)].join('\n'))).slice(0, 12);
  return {
    manifest: { version, prefix: `${GO_PATH_PREFIX}${version}-${hash}/`, files, packages, importable: lines('importable.txt') },
    sources,
  };
}

/** Emits the toolchain files under the manifest's prefix. */
export function goRuntime(runtime: GoRuntime | null): Plugin {
  return {
    name: 'pairpad-go-runtime',
    apply: 'build',
    generateBundle() {
      if (!runtime) return;
      for (const [name, source] of runtime.sources) {
        this.emitFile({ type: 'asset', fileName: posix.join(runtime.manifest.prefix.slice(1), name), source });
      }
    },
  };
}

/** Paths (relative to the build) of the files a first Go run downloads besides the worker. */
export function goRuntimeFiles(manifest: GoRuntimeManifest): string[] {
  return [...manifest.files.map((f) => f.name), GO_WASM_EXEC].map((name) => posix.join(manifest.prefix.slice(1), name));
}

/** Adds `go` to `runtimes.json`: gzip bytes of the runner page, the Go worker and the toolchain. */
export async function addGoRuntimeJson(outDir: string, gzipBytes: ReadonlyMap<string, number>, runtime: GoRuntime | null): Promise<void> {
  if (!runtime) return;
  const path = join(outDir, 'runtimes.json');
  const runtimes = JSON.parse(await readFile(path, 'utf8')) as Record<string, { bytes: number }>;
  let bytes = 0;
  for (const f of new Set([...pageFiles(outDir), ...workerFiles(outDir, gzipBytes, 'go'), ...goRuntimeFiles(runtime.manifest)])) {
    const n = gzipBytes.get(f);
    if (n === undefined) throw new Error(`runtimes.json: ${f} is not in the build`);
    bytes += n;
  }
  runtimes.go = { bytes };
  await writeFile(path, `${JSON.stringify(runtimes)}\n`);
}
