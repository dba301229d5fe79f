import type { Exit, commands as ClangCommands } from '@yowasp/clang';
import type { WorkerRun } from '../../src/services/executor/protocol';
import {
  EXCEPTIONS_HINT,
  OUTPUT_FILE,
  PCH_FILE,
  SOURCE_FILE,
  chooseFlags,
  compileArgs,
  describeCrash,
  includeTree,
  mentionsExceptions,
  parseClangOutput,
  pchEligible,
  pchFlagsMatch,
  retryWithoutPch,
  type ClangLanguage,
  type FileTree,
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
 * Storage, and stays loaded between runs. C++ also fetches the precompiled
 * <bits/stdc++.h> (clang.ts; on the first C++ run or C++ preload, never for
 * C), which a C++ compile loads instead of parsing libc++ when the program
 * only includes standard headers. A stop or a time limit terminates the
 * worker (a running wasm program cannot be interrupted).
 */

declare const __CLANG_PATH__: string;
declare const __CLANG_FILES__: RuntimeFile[];
/** The precompiled <bits/stdc++.h> of this build (vite-plugins/cxxPch.ts), or null when it has none. */
declare const __CXX_PCH__: { path: string; file: RuntimeFile } | null;

type Commands = typeof ClangCommands;

interface Toolchain {
  commands: Commands;
  ExitError: typeof Exit;
  batcher: OutputBatcher;
}

/**
 * Download progress of the toolchain and the PCH while either is loading,
 * summed into one bar (the first C++ run fetches both at once).
 */
class Progress {
  private readonly parts = new Map<string, { loaded: number; total: number }>();
  private pending = 0;

  constructor(private readonly host: WorkerHost) {}

  /** Follows one download until `done`. */
  track(name: string): { report: (loaded: number, total: number) => void; done: () => void } {
    this.pending++;
    return {
      report: (loaded, total) => {
        this.parts.set(name, { loaded, total });
        let sum = 0;
        let all = 0;
        for (const p of this.parts.values()) {
          sum += p.loaded;
          all += p.total;
        }
        this.host.send({ type: 'progress', loaded: sum, total: all });
      },
      done: () => {
        if (--this.pending === 0) this.parts.clear();
      },
    };
  }
}

const realFetch = self.fetch.bind(self);
let progress: Progress | null = null;
let toolchain: Promise<Toolchain> | null = null;
let pch: Promise<Uint8Array | null> | null = null;

function runtimeCache(path: string, family: string): RuntimeCache {
  return new RuntimeCache(new URL(path, self.location.href).href, new URL(family, self.location.href).href, {
    fetch: realFetch,
    caches: 'caches' in self ? self.caches : null,
    now: () => performance.now(),
  });
}

function load(host: WorkerHost): Promise<Toolchain> {
  const bar = (progress ??= new Progress(host));
  toolchain ??= (async () => {
    const cache = runtimeCache(__CLANG_PATH__, '/clang/');
    const tracker = bar.track('clang');
    try {
      await cache.prefetch(__CLANG_FILES__, tracker.report);
    } finally {
      tracker.done();
    }
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

/**
 * The precompiled <bits/stdc++.h>, fetched once through Cache Storage and
 * checked against the build's SHA-256; null when this build has none or it
 * could not be fetched (C++ then compiles without it; the next run tries again).
 */
function loadPch(host: WorkerHost): Promise<Uint8Array | null> {
  const build = __CXX_PCH__;
  if (!build) return Promise.resolve(null);
  const bar = (progress ??= new Progress(host));
  pch ??= (async () => {
    // Its own directory family: the PCH of an older build of this clang version is deleted.
    const cache = runtimeCache(build.path, `${__CLANG_PATH__}pch/`);
    const tracker = bar.track('pch');
    try {
      await cache.prefetch([build.file], tracker.report);
      return new Uint8Array(await (await cache.response(cache.url(build.file.name))).arrayBuffer());
    } catch (err) {
      console.warn('The precompiled <bits/stdc++.h> could not be loaded; C++ compiles without it.', err);
      pch = null;
      return null;
    } finally {
      tracker.done();
    }
  })();
  return pch;
}

type CompileResult = { ok: true; wasm: Uint8Array; output: string } | { ok: false; output: string };

/** Compiles and links the program; with `header`, the precompiled <bits/stdc++.h> is loaded first. */
async function compile(tc: Toolchain, language: ClangLanguage, flags: string[], code: string, header: Uint8Array | null): Promise<CompileResult> {
  const [driver, ...args] = compileArgs(language, flags, { pch: header !== null }) as ['clang' | 'clang++', ...string[]];
  const decoder = new TextDecoder();
  let output = '';
  const collect = (bytes: Uint8Array | null): void => {
    output += bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  };
  const files: FileTree = { ...includeTree(), [SOURCE_FILE[language]]: code, ...(header ? { [PCH_FILE]: header } : {}) };
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
  // The first C++ run fetches the PCH alongside the toolchain.
  const header = msg.language === 'cpp' ? loadPch(host) : null;
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

  const pchBytes = header && pchFlagsMatch(chosen.flags) && pchEligible(msg.code) ? await header : null;
  let compiled = await compile(tc, language, chosen.flags, msg.code, pchBytes);
  if (pchBytes && !compiled.ok && retryWithoutPch(compiled.output, SOURCE_FILE[language])) {
    // The PCH may be the cause: what the program gets without it is what counts.
    compiled = await compile(tc, language, chosen.flags, msg.code, null);
  }
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
  const job =
    msg.type === 'preload'
      ? () => Promise.all([load(host), msg.language === 'cpp' ? loadPch(host) : null]).then(() => undefined)
      : () => run(host, msg);
  queue = queue.then(job).catch((err: unknown) => {
    // The toolchain failed (to load): the page's Worker `error` event reports it and replaces this worker.
    setTimeout(() => {
      throw err instanceof Error ? err : new Error(String(err));
    }, 0);
  });
});
