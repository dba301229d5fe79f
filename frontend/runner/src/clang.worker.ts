import type { Exit, commands as ClangCommands } from '@yowasp/clang';
import type { WorkerRun } from '../../src/services/executor/protocol';
import { BITS_STDCXX_H } from './bitsStdcxx';
import {
  EXCEPTIONS_HINT,
  EXTRA_INCLUDE_DIR,
  OUTPUT_FILE,
  SOURCE_FILE,
  chooseFlags,
  compileArgs,
  describeCrash,
  mentionsExceptions,
  parseClangOutput,
  type ClangLanguage,
} from './clang';
import { OutputBatcher } from './outputBatcher';
import { RuntimeCache, type RuntimeFile } from './runtimeCache';
import { requestStdin } from './stdin';
import { runWasi } from './wasiProgram';
import { serveWorker, type WorkerHost } from './workerHost';

/**
 * The C and C++ run worker: LLVM/Clang/LLD (@yowasp/clang) compiles the
 * program to a WASI module in memory, which then runs in this worker under
 * @bjorn3/browser_wasi_shim. The compiler (≈27 MB gzip) is downloaded once
 * from the runner origin's versioned /clang/<version>/ path, kept in Cache
 * Storage, and stays loaded between runs. A stop or a time limit terminates
 * the worker (a running wasm program cannot be interrupted).
 */

declare const __CLANG_PATH__: string;
declare const __CLANG_FILES__: RuntimeFile[];

type Commands = typeof ClangCommands;

interface Toolchain {
  commands: Commands;
  ExitError: typeof Exit;
  batcher: OutputBatcher;
}

let toolchain: Promise<Toolchain> | null = null;

function load(host: WorkerHost): Promise<Toolchain> {
  toolchain ??= (async () => {
    const realFetch = self.fetch.bind(self);
    const cache = new RuntimeCache(new URL(__CLANG_PATH__, self.location.href).href, new URL('/clang/', self.location.href).href, {
      fetch: realFetch,
      caches: 'caches' in self ? self.caches : null,
      now: () => performance.now(),
    });
    await cache.prefetch(__CLANG_FILES__, (loaded, total) => host.send({ type: 'progress', loaded, total }));
    // The toolchain fetches its files itself (captured when its module is
    // evaluated, below): hand it the stored copies, checked against the
    // build's SHA-256 (a file outside the build's list is refused). Only this
    // worker's own code runs here; compiled programs see WASI, not JavaScript.
    self.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return cache.owns(url) ? cache.response(url) : realFetch(input, init);
    };
    const { commands, runLLVM, Exit: ExitError } = await import('@yowasp/clang');
    // No arguments: fetches and compiles the toolchain's modules and unpacks its headers and libraries.
    await runLLVM(undefined, {}, { fetchProgress: () => {} });
    const batcher = new OutputBatcher((stream, text) => host.send({ type: 'output', stream, text }), {
      now: () => performance.now(),
      later: (fn, ms) => void setTimeout(fn, ms),
    });
    host.send({ type: 'loaded' });
    return { commands, ExitError, batcher };
  })();
  return toolchain;
}

type CompileResult = { ok: true; wasm: Uint8Array; output: string } | { ok: false; output: string };

async function compile(tc: Toolchain, language: ClangLanguage, flags: string[], code: string): Promise<CompileResult> {
  const [driver, ...args] = compileArgs(language, flags) as ['clang' | 'clang++', ...string[]];
  const decoder = new TextDecoder();
  let output = '';
  const collect = (bytes: Uint8Array | null): void => {
    output += bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  };
  const [dir, sub] = EXTRA_INCLUDE_DIR.split('/') as [string, string];
  const files = { [SOURCE_FILE[language]]: code, [dir]: { [sub]: { bits: { 'stdc++.h': BITS_STDCXX_H } } } };
  try {
    const tree = await tc.commands[driver](args, files, { stdout: collect, stderr: collect, decodeASCII: false, fetchProgress: () => {} });
    const wasm = tree?.[OUTPUT_FILE];
    if (!(wasm instanceof Uint8Array)) return { ok: false, output: `${output}The compiler produced no program.\n` };
    return { ok: true, wasm, output };
  } catch (err) {
    if (err instanceof tc.ExitError) return { ok: false, output };
    throw err;
  }
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const tc = await load(host);
  const { batcher } = tc;
  batcher.reset();
  const language: ClangLanguage = msg.language === 'c' ? 'c' : 'cpp';
  const chosen = chooseFlags(language, msg.options?.compilerFlags);
  if (!chosen.ok) {
    batcher.write('stderr', `${chosen.message}\n`);
    batcher.flush();
    host.send({ type: 'done', status: 'error', exitCode: 1, error: { message: chosen.message } });
    return;
  }

  const compiled = await compile(tc, language, chosen.flags, msg.code);
  const report = parseClangOutput(compiled.output, SOURCE_FILE[language]);
  if (compiled.output) batcher.write('stderr', compiled.output.endsWith('\n') ? compiled.output : `${compiled.output}\n`);
  const diagnostics = report.diagnostics.length ? { diagnostics: report.diagnostics } : {};
  if (!compiled.ok) {
    if (language === 'cpp' && mentionsExceptions(compiled.output)) batcher.write('stderr', `${EXCEPTIONS_HINT}\n`);
    batcher.flush();
    const first = report.firstError ?? { message: 'Compilation failed.' };
    host.send({ type: 'done', status: 'error', exitCode: 1, error: first, ...diagnostics });
    return;
  }

  const module = await WebAssembly.compile(compiled.wasm as Uint8Array<ArrayBuffer>);
  const stdin = host.stdinBuffer;
  let exitCode: number;
  try {
    exitCode = await runWasi(
      module,
      [SOURCE_FILE[language].replace(/\.\w+$/u, '')],
      {
        write: (stream, text) => batcher.write(stream, text),
        readLine: stdin
          ? () =>
              requestStdin(stdin, () => {
                batcher.flush();
                host.send({ type: 'stdin-request' });
              })
          : null,
        noStdin: () =>
          batcher.write(
            'stderr',
            'stdin is unavailable: it needs SharedArrayBuffer, which only a cross-origin isolated runner page has; reads see end of input.\n',
          ),
      },
      () => host.send({ type: 'started' }),
    );
  } catch (err) {
    const crash = describeCrash(err);
    batcher.write('stderr', `${crash.message}\n`);
    batcher.flush();
    host.send({ type: 'done', status: 'error', exitCode: crash.exitCode, error: { message: crash.message }, ...diagnostics });
    return;
  }
  batcher.flush();
  host.send(
    exitCode === 0
      ? { type: 'done', status: 'ok', exitCode: 0, ...diagnostics }
      : { type: 'done', status: 'error', exitCode, ...diagnostics },
  );
}

// Runs are serialized: the runner page sends the next one only after `done`.
let queue: Promise<void> = Promise.resolve();
serveWorker((msg, host) => {
  const job = msg.type === 'preload' ? () => load(host).then(() => undefined) : () => run(host, msg);
  queue = queue.then(job).catch((err: unknown) => {
    // The toolchain failed (to load): the page's Worker `error` event reports it and replaces this worker.
    setTimeout(() => {
      throw err instanceof Error ? err : new Error(String(err));
    }, 0);
  });
});
