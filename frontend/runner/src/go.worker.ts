import type { WorkerRun } from '../../src/services/executor/protocol';
import { formatCompilerOutput, GO_USER_FILE, GO_WORK_DIR, parseGoDiagnostics, parseGoPanic } from './goDiagnostics';
import { MemFs, resolvePath, StdinReader } from './goFs';
import { GO_COMPILER, GO_LINKER, GO_STD, GO_WASM_EXEC, type GoRuntimeManifest } from './goManifest';
import { OutputBatcher } from './outputBatcher';
import { RUNTIME_CACHE_NAME, RuntimeCache, sha256 } from './runtimeCache';
import { requestStdin } from './stdin';
import { serveWorker, type WorkerHost } from './workerHost';

/**
 * The Go run worker: the real Go compiler and linker (cmd/compile, cmd/link
 * built for js/wasm by scripts/build-go-runtime.sh) run here against an
 * in-memory file system holding the precompiled standard library; the
 * program they produce runs with GOROOT's wasm_exec.js. The toolchain is
 * downloaded once (Cache Storage + immutable HTTP cache) and kept compiled
 * between runs; each compile, link and run gets a fresh instance.
 */

declare const __GO_RUNTIME__: GoRuntimeManifest | null;

/** The part of wasm_exec.js's `Go` class used here (underscored members are its internals). */
interface GoProgram {
  argv: string[];
  env: Record<string, string>;
  exit: (code: number) => void;
  importObject: WebAssembly.Imports;
  exited: boolean;
  run(instance: WebAssembly.Instance): Promise<void>;
  _pendingEvent: unknown;
  _resume(): void;
  _scheduledTimeouts: Map<number, unknown>;
}
type GoClass = new () => GoProgram;

const ENV = { HOME: '/home/gopher', USER: 'gopher', TMPDIR: '/tmp', PATH: '/usr/bin:/bin', PWD: GO_WORK_DIR };
/** How often an idle program is checked for a deadlock (no goroutine runnable, no timer pending). */
const DEADLOCK_CHECK_MS = 100;
/** The tail of a program's stderr kept to find its panic. */
const STDERR_TAIL_CHARS = 64 * 1024;

const scope = globalThis as unknown as Record<string, unknown>;

/** Points wasm_exec.js's and Go's `globalThis.fs`/`process`/`path` at `fs`. */
function mount(fs: MemFs): void {
  scope.fs = fs;
  scope.process = fs.process();
  scope.path = { resolve: (...parts: string[]) => parts.reduce((acc, p) => resolvePath(acc, p), fs.cwd) };
}

const DEADLOCK = 'fatal error: all goroutines are asleep - deadlock!';

/**
 * Runs one Go wasm module to its exit and returns the exit code. A program
 * that goes idle with no timer pending can never wake up again (nothing
 * outside calls into it). When it has syscall/js (whose event handler knows
 * the signal), it is told so as Node's wasm_exec does, and Go prints the
 * deadlock with its goroutines and exits 2; a program without it gets the
 * same fatal error line from here.
 */
async function execute(Go: GoClass, module: WebAssembly.Module, argv: string[], fs: MemFs): Promise<number> {
  const go = new Go();
  go.argv = argv;
  go.env = { ...ENV };
  let exitCode = 0;
  go.exit = (code) => {
    exitCode = code;
  };
  const hasEventHandler = WebAssembly.Module.imports(module).some((i) => i.name.startsWith('syscall/js.'));
  let deadlocked = (): void => {};
  const deadlock = new Promise<void>((resolve) => {
    deadlocked = resolve;
  });
  mount(fs);
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const watch = setInterval(() => {
    if (go.exited || go._scheduledTimeouts.size > 0) return;
    if (hasEventHandler) {
      go._pendingEvent = { id: 0 };
      go._resume();
      return;
    }
    clearInterval(watch);
    fs.writeSync(2, new TextEncoder().encode(`${DEADLOCK}\n`));
    exitCode = 2;
    deadlocked();
  }, DEADLOCK_CHECK_MS);
  try {
    await Promise.race([go.run(instance), deadlock]);
  } finally {
    clearInterval(watch);
  }
  return exitCode;
}

interface Toolchain {
  Go: GoClass;
  compiler: WebAssembly.Module;
  linker: WebAssembly.Module;
  std: Uint8Array;
  manifest: GoRuntimeManifest;
  batcher: OutputBatcher;
}

/**
 * A file's bytes, checked against the build's hash: Cache Storage is shared
 * with every program this origin runs, so a stored copy is only trusted when
 * it matches (else it is dropped and fetched again).
 */
async function readChecked(cache: RuntimeCache, manifest: GoRuntimeManifest, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = manifest.files.find((f) => f.name === name)!;
  const url = cache.url(name);
  let bytes = new Uint8Array(await (await cache.response(url)).arrayBuffer());
  if ((await sha256(bytes)) === file.sha256) return bytes;
  await caches
    .open(RUNTIME_CACHE_NAME)
    .then((c) => c.delete(url))
    .catch(() => false);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  bytes = new Uint8Array(await res.arrayBuffer());
  if ((await sha256(bytes)) !== file.sha256) throw new Error(`${name}: the download does not match the build`);
  return bytes;
}

/**
 * Compiles a toolchain module by streaming the stored response, which lets
 * the browser reuse its optimized code from an earlier visit (V8's wasm code
 * cache), while the bytes are hashed on the side; a mismatch falls back to a
 * checked download.
 */
async function compileChecked(cache: RuntimeCache, manifest: GoRuntimeManifest, name: string): Promise<WebAssembly.Module> {
  const file = manifest.files.find((f) => f.name === name)!;
  const res = await cache.response(cache.url(name));
  if (res.ok && res.headers.get('content-type')?.startsWith('application/wasm')) {
    const [module, hash] = await Promise.all([
      WebAssembly.compileStreaming(res.clone()),
      res.arrayBuffer().then((b) => sha256(new Uint8Array(b))),
    ]);
    if (hash === file.sha256) return module;
  }
  return WebAssembly.compile(await readChecked(cache, manifest, name));
}

let toolchain: Promise<Toolchain> | null = null;

function load(host: WorkerHost): Promise<Toolchain> {
  toolchain ??= (async () => {
    const manifest = __GO_RUNTIME__;
    if (!manifest) throw new Error('this runner build has no Go toolchain (scripts/build-go-runtime.sh was not run)');
    const base = new URL(manifest.prefix, self.location.href).href;
    const cache = new RuntimeCache(base, new URL('/go/', self.location.href).href, {
      fetch: (input, init) => fetch(input, init),
      caches: typeof caches === 'undefined' ? null : caches,
      now: () => performance.now(),
    });
    await cache.prefetch(manifest.files, (loaded, total) => host.send({ type: 'progress', loaded, total }));
    // wasm_exec.js installs stand-ins for whatever of fs/process/path is missing: give it ours.
    mount(new MemFs({ write: () => {}, readStdin: () => new Uint8Array(0) }));
    await import(/* @vite-ignore */ `${base}${GO_WASM_EXEC}`);
    const Go = scope.Go as GoClass;
    const [compiler, linker, std] = await Promise.all([
      compileChecked(cache, manifest, GO_COMPILER),
      compileChecked(cache, manifest, GO_LINKER),
      readChecked(cache, manifest, GO_STD),
    ]);
    const batcher = new OutputBatcher((stream, text) => host.send({ type: 'output', stream, text }), {
      now: () => performance.now(),
      later: (fn, ms) => void setTimeout(fn, ms),
    });
    host.send({ type: 'loaded' });
    return { Go, compiler, linker, std, manifest, batcher };
  })();
  return toolchain;
}

/** A fresh file system with the standard library and an importcfg naming every archive. */
function buildFs(tc: Toolchain, code: string, onOutput: (text: string) => void): MemFs {
  const decoder = new TextDecoder();
  const fs = new MemFs({
    write: (_fd, bytes) => onOutput(decoder.decode(bytes, { stream: true })),
    readStdin: () => new Uint8Array(0),
  });
  const cfg: string[] = [];
  for (const p of tc.manifest.packages) {
    const file = `/go/pkg/${p.path}.a`;
    fs.writeFile(file, tc.std.subarray(p.offset, p.offset + p.size), true);
    cfg.push(`packagefile ${p.path}=${file}`);
  }
  fs.mkdirAll(GO_WORK_DIR);
  fs.cwd = GO_WORK_DIR;
  fs.writeFile('importcfg', `${cfg.join('\n')}\n`);
  fs.writeFile(GO_USER_FILE, code);
  return fs;
}

/** `go1.26.8` → `go1.26`: the language version the program is compiled for. */
const languageVersion = (version: string): string => /^go\d+\.\d+/u.exec(version)?.[0] ?? version;

/** The program's file system: a home, /tmp and the working directory, stdio wired to the page. */
function programFs(host: WorkerHost, batcher: OutputBatcher, onStderr: (text: string) => void): MemFs {
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  let noStdinNoted = false;
  const stdin = new StdinReader(() => {
    const buffer = host.stdinBuffer;
    if (!buffer) {
      if (!noStdinNoted) {
        noStdinNoted = true;
        batcher.write(
          'stderr',
          'cannot read stdin: it needs SharedArrayBuffer, which is only available when the runner page is cross-origin isolated (COOP/COEP headers); reading sees end of input.\n',
        );
      }
      return null;
    }
    return requestStdin(buffer, () => {
      batcher.flush();
      host.send({ type: 'stdin-request' });
    });
  });
  const fs = new MemFs({
    write: (fd, bytes) => {
      const text = decoders[fd].decode(bytes, { stream: true });
      if (fd === 2) onStderr(text);
      batcher.write(fd === 1 ? 'stdout' : 'stderr', text);
    },
    readStdin: (max) => stdin.read(max),
  });
  for (const dir of ['/tmp', ENV.HOME, GO_WORK_DIR]) fs.mkdirAll(dir);
  fs.cwd = GO_WORK_DIR;
  return fs;
}

/** Compiles and links `code`: the program's wasm, or null and what the compiler or linker said. */
async function build(tc: Toolchain, code: string): Promise<{ binary: Uint8Array | null; output: string; exitCode: number }> {
  let output = '';
  const fs = buildFs(tc, code, (text) => {
    output += text;
  });
  const lang = `-lang=${languageVersion(tc.manifest.version)}`;
  let exitCode = await execute(
    tc.Go,
    tc.compiler,
    ['compile', '-o', 'main.a', '-p', 'main', '-complete', lang, '-importcfg', 'importcfg', '-pack', '-c=1', '-dwarf=false', GO_USER_FILE],
    fs,
  );
  if (exitCode === 0) {
    exitCode = await execute(tc.Go, tc.linker, ['link', '-o', 'main.wasm', '-importcfg', 'importcfg', '-buildmode=exe', '-s', '-w', 'main.a'], fs);
  }
  return { binary: exitCode === 0 ? fs.readFile('main.wasm') : null, output, exitCode };
}

const WARM_UP_PROGRAM = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("warm") }\n';

/**
 * After a preload: builds a small program once, unseen, so that the browser
 * has optimized the hot parts of the compiler and linker before the first real run.
 */
async function warmUp(tc: Toolchain): Promise<void> {
  await build(tc, WARM_UP_PROGRAM);
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const tc = await load(host);
  const { Go, manifest, batcher } = tc;
  batcher.reset();

  const { binary, output: compilerOutput, exitCode: buildExit } = await build(tc, msg.code);
  if (!binary) {
    const shown = formatCompilerOutput(compilerOutput, manifest.importable);
    if (shown) batcher.write('stderr', shown.endsWith('\n') ? shown : `${shown}\n`);
    batcher.flush();
    const diagnostics = parseGoDiagnostics(compilerOutput, manifest.importable);
    const first = diagnostics[0];
    host.send({
      type: 'done',
      status: 'error',
      exitCode: 1,
      error: first
        ? { message: first.message.split('\n')[0]!, position: { line: first.line, ...(first.column ? { column: first.column } : {}) } }
        : { message: shown.trim().split('\n')[0] || `the Go toolchain failed (exit status ${buildExit})` },
      ...(diagnostics.length ? { diagnostics } : {}),
    });
    return;
  }

  const program = await WebAssembly.compile(new Uint8Array(binary));
  let stderrTail = '';
  const pfs = programFs(host, batcher, (text) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
  });
  host.send({ type: 'started' });
  const code = await execute(Go, program, ['main'], pfs);
  batcher.flush();
  if (code === 0) {
    host.send({ type: 'done', status: 'ok', exitCode: 0 });
    return;
  }
  const died = parseGoPanic(stderrTail);
  host.send({ type: 'done', status: 'error', exitCode: code, error: died ?? { message: `exit status ${code}` } });
}

// Runs are serialized: the runner page sends the next one only after `done`.
let queue: Promise<void> = Promise.resolve();
serveWorker((msg, host) => {
  const job = msg.type === 'preload' ? () => load(host).then(warmUp) : () => run(host, msg);
  queue = queue.then(job).catch((err: unknown) => {
    // The toolchain failed (to load): an uncaught error reaches the page's
    // Worker `error` event, which reports it and replaces this worker.
    setTimeout(() => {
      throw err instanceof Error ? err : new Error(String(err));
    }, 0);
  });
});
