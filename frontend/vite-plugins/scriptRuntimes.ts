import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { fileSha256, pageFiles, workerFiles } from './runnerRuntimes.ts';

/**
 * The WebAssembly files of the Lua (wasmoon), SQL (sql.js) and Ruby
 * (ruby.wasm) runners, copied into the runner build under versioned paths
 * (`/<package>/<version>/`, cached for good by the C server), and their
 * entries in `runtimes.json`.
 */

const require = createRequire(import.meta.url);

/** An installed package's directory and version (found by path: not every package exports package.json). */
function packageDir(name: string): { dir: string; version: string } {
  for (const base of require.resolve.paths(name) ?? []) {
    const pkg = join(base, name, 'package.json');
    if (!existsSync(pkg)) continue;
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    return { dir: dirname(pkg), version };
  }
  throw new Error(`${name} is not installed`);
}

export interface ScriptRuntimeFile {
  /** Path on the runner origin. */
  url: string;
  /** Raw size: what a streamed reader of the file counts (progress totals). */
  bytes: number;
  /** Hex SHA-256 of the raw bytes (checked on Cache Storage hits). */
  sha256: string;
  /** Where the build copies it from. */
  source: string;
}

export type ScriptLanguage = 'lua' | 'sql' | 'ruby';
export type ScriptRuntimesManifest = Record<ScriptLanguage, ScriptRuntimeFile[]>;

function file(url: string, source: string): ScriptRuntimeFile {
  return { url, bytes: statSync(source).size, sha256: fileSha256(source), source };
}

export function scriptRuntimesManifest(): ScriptRuntimesManifest {
  const lua = packageDir('wasmoon');
  const sql = packageDir('sql.js');
  const ruby = packageDir('@ruby/3.4-wasm-wasi');
  return {
    lua: [file(`/wasmoon/${lua.version}/glue.wasm`, join(lua.dir, 'dist', 'glue.wasm'))],
    sql: [file(`/sql.js/${sql.version}/sql-wasm.wasm`, join(sql.dir, 'dist', 'sql-wasm-browser.wasm'))],
    // The build with the standard library (json, set, …), renamed: no '+' in URLs.
    ruby: [file(`/ruby/3.4-${ruby.version}/ruby-stdlib.wasm`, join(ruby.dir, 'dist', 'ruby+stdlib.wasm'))],
  };
}

/** What the workers get at build time (`__LUA_FILES__` …): URL, raw size and SHA-256 of each file. */
export function scriptRuntimeDefines(manifest: ScriptRuntimesManifest): Record<string, string> {
  const pick = (files: ScriptRuntimeFile[]) => JSON.stringify(files.map(({ url, bytes, sha256 }) => ({ url, bytes, sha256 })));
  return { __LUA_FILES__: pick(manifest.lua), __SQL_FILES__: pick(manifest.sql), __RUBY_FILES__: pick(manifest.ruby) };
}

/** Copies the runtime files into the build. */
export function scriptRuntimes(manifest: ScriptRuntimesManifest): Plugin {
  return {
    name: 'pairpad-script-runtimes',
    apply: 'build',
    async generateBundle() {
      for (const files of Object.values(manifest)) {
        for (const f of files) this.emitFile({ type: 'asset', fileName: f.url.slice(1), source: await readFile(f.source) });
      }
    },
  };
}

/** Adds Lua, SQL and Ruby to `runtimes.json` (page + worker chunks + runtime files, gzip bytes). */
export async function addScriptRuntimesJson(
  outDir: string,
  gzipBytes: ReadonlyMap<string, number>,
  manifest: ScriptRuntimesManifest,
): Promise<void> {
  const path = join(outDir, 'runtimes.json');
  const runtimes = JSON.parse(await readFile(path, 'utf8')) as Record<string, { bytes: number }>;
  const page = pageFiles(outDir);
  for (const language of ['lua', 'sql', 'ruby'] as const) {
    const files = new Set([...page, ...workerFiles(outDir, gzipBytes, language), ...manifest[language].map((f) => f.url.slice(1))]);
    let bytes = 0;
    for (const f of files) {
      const n = gzipBytes.get(f);
      if (n === undefined) throw new Error(`runtimes.json: ${f} is not in the build`);
      bytes += n;
    }
    runtimes[language] = { bytes };
  }
  await writeFile(path, `${JSON.stringify(runtimes)}\n`);
}
