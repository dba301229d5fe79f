import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { BITS_STDCXX_H } from '../runner/src/bitsStdcxx.ts';
import { PCH_FILE, includeTree, pchBuildArgs } from '../runner/src/clang.ts';
import type { ClangManifest } from './runnerRuntimes.ts';

/**
 * The precompiled <bits/stdc++.h> of the C/C++ runner (see clang.ts): built
 * in Node with the same @yowasp/clang the browser runs, with the command line
 * from `pchBuildArgs()`, and cached in frontend/.cxx-pch/<key>.pch, where the
 * key hashes the toolchain, the header and that command line (≈30 s when it
 * is missing, then nothing). Emitted under the toolchain's versioned path, in
 * a directory named by the key so that it can be served immutable.
 * `PAIRPAD_SKIP_CXX_PCH=1` leaves it out: C++ then compiles without it.
 */

export const CXX_PCH_DIR = fileURLToPath(new URL('../.cxx-pch/', import.meta.url));

export interface CxxPch {
  /** Directory of the PCH on the runner origin, with trailing slash. */
  path: string;
  /** The file in that directory, its raw size and hex SHA-256 (what the worker checks). */
  file: { name: string; bytes: number; sha256: string };
  /** The cached copy on disk. */
  source: string;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Hash of everything the PCH's bytes depend on. */
export function cxxPchKey(clang: ClangManifest): string {
  return sha256(
    JSON.stringify({
      clang: clang.version,
      files: clang.files.map((f) => [f.name, f.sha256]),
      header: BITS_STDCXX_H,
      args: pchBuildArgs(),
    }),
  );
}

/** Runs clang++ in Node to build the PCH; returns its bytes. */
async function buildPch(): Promise<Uint8Array> {
  const { commands, Exit } = await import('@yowasp/clang');
  const [, ...args] = pchBuildArgs();
  let output = '';
  const decoder = new TextDecoder();
  const collect = (bytes: Uint8Array | null): void => {
    output += bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  };
  let tree;
  try {
    tree = await commands['clang++'](args, includeTree(), { stdout: collect, stderr: collect, decodeASCII: false, fetchProgress: () => {} });
  } catch (err) {
    if (err instanceof Exit) throw new Error(`building the C++ PCH failed:\n${output}`, { cause: err });
    throw err;
  }
  const pch = tree?.[PCH_FILE];
  if (!(pch instanceof Uint8Array)) throw new Error(`building the C++ PCH produced no ${PCH_FILE}:\n${output}`);
  return pch;
}

/** The PCH for this toolchain, built when it is not cached; null when PAIRPAD_SKIP_CXX_PCH=1. */
export async function loadCxxPch(clang: ClangManifest, dir = CXX_PCH_DIR): Promise<CxxPch | null> {
  if (process.env.PAIRPAD_SKIP_CXX_PCH === '1') {
    console.warn('PAIRPAD_SKIP_CXX_PCH=1: this runner build has no precompiled <bits/stdc++.h> (C++ compiles without it).');
    return null;
  }
  const key = cxxPchKey(clang);
  const source = join(dir, `${key}.pch`);
  if (!existsSync(source)) {
    console.log(`Building the precompiled <bits/stdc++.h> into ${source} (about 30 s; cached until clang, the header or its flags change).`);
    const started = performance.now();
    const pch = await buildPch();
    mkdirSync(dir, { recursive: true });
    const tmp = `${source}.tmp-${process.pid}`;
    writeFileSync(tmp, pch);
    renameSync(tmp, source);
    // Older keys are never used again (28 MB each).
    for (const name of readdirSync(dir)) if (name.endsWith('.pch') && join(dir, name) !== source) rmSync(join(dir, name));
    console.log(`Built the precompiled <bits/stdc++.h> in ${((performance.now() - started) / 1000).toFixed(1)} s (${pch.length} bytes).`);
  }
  const data = readFileSync(source);
  return {
    path: `${clang.path}pch/${key.slice(0, 16)}/`,
    file: { name: PCH_FILE, bytes: data.length, sha256: sha256(data) },
    source,
  };
}

/** Build path of the PCH (relative to the output directory). */
export const cxxPchOutput = (pch: CxxPch): string => posix.join(pch.path.slice(1), pch.file.name);

/** Emits the PCH into the runner build. */
export function cxxPchRuntime(pch: CxxPch | null): Plugin {
  return {
    name: 'pairpad-cxx-pch',
    apply: 'build',
    async generateBundle() {
      if (pch) this.emitFile({ type: 'asset', fileName: cxxPchOutput(pch), source: await readFile(pch.source) });
    },
  };
}

/** What clang.worker.ts reads as `__CXX_PCH__`: where the PCH is and how to check it, or null. */
export function cxxPchDefine(pch: CxxPch | null): string {
  return JSON.stringify(pch ? { path: pch.path, file: pch.file } : null);
}

/** Adds the PCH's gzip bytes to `cpp` in `runtimes.json` (a C++ run downloads it; a C run does not). */
export async function addCxxPchRuntimesJson(outDir: string, gzipBytes: ReadonlyMap<string, number>, pch: CxxPch | null): Promise<void> {
  if (!pch) return;
  const path = join(outDir, 'runtimes.json');
  const runtimes = JSON.parse(await readFile(path, 'utf8')) as Record<string, { bytes: number }>;
  const bytes = gzipBytes.get(cxxPchOutput(pch));
  if (bytes === undefined) throw new Error(`runtimes.json: ${cxxPchOutput(pch)} is not in the build`);
  if (!runtimes.cpp) throw new Error('runtimes.json: no cpp entry to add the PCH to');
  runtimes.cpp = { bytes: runtimes.cpp.bytes + bytes };
  await writeFile(path, `${JSON.stringify(runtimes)}\n`);
}
