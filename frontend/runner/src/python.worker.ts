import { loadPyodide, type PyodideInterface } from 'pyodide';
import type { WorkerRun } from '../../src/services/executor/protocol';
import { OutputBatcher } from './outputBatcher';
import { pythonErrorPosition } from './stack';
import { fetchRuntime } from './scriptRuntime';
import { requestStdin } from './stdin';
import { forbidNestedWorkers, serveWorker, type WorkerHost } from './workerHost';

/**
 * The Python run worker: Pyodide, loaded once from the runner origin and kept
 * warm between runs. Each run gets fresh globals; output is batched; with
 * SharedArrayBuffer, input() blocks on the stdin buffer and the interrupt
 * buffer delivers KeyboardInterrupt.
 */

declare const __PYODIDE_INDEX_PATH__: string;
declare const __PYODIDE_FILES__: { name: string; bytes: number }[];

const USER_FILE = 'main.py';

/** Runs user code with fresh globals; returns (status, exit code, message) and prints the traceback itself. */
const HELPER = `
import builtins, io, linecache, sys, traceback

USER_FILE = ${JSON.stringify(USER_FILE)}

class _NoStdin(io.TextIOBase):
    """stdin when the page is not cross-origin isolated: reading explains why it cannot work."""

    def readable(self):
        return True

    def read(self, size=-1):
        raise RuntimeError(
            "cannot read stdin (input()): it needs SharedArrayBuffer, which is only "
            "available when the runner page is cross-origin isolated (COOP/COEP headers)."
        )

    readline = read

_NO_STDIN = _NoStdin()

def _install_sleep(js_sleep):
    """time.sleep that blocks on Atomics.wait in slices and honours interrupts."""
    import time

    def sleep(secs):
        secs = float(secs)
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        js_sleep(secs)

    time.sleep = sleep

def _internal(frame):
    f = frame.filename
    # The runner's helpers, Pyodide's own modules, and JavaScript frames.
    return f.startswith("<pairpad") or "/_pyodide/" in f or "/pyodide/" in f or f == "<exec>" or "://" in f

def _strip(te, seen):
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        te.stack = traceback.StackSummary.from_list([f for f in te.stack if not _internal(f)])
        for sub in getattr(te, "exceptions", None) or ():
            _strip(sub, seen)
        _strip(te.__cause__, seen)
        te = te.__context__

def _explain(e):
    if isinstance(e, ModuleNotFoundError) and e.name:
        top = e.name.split(".")[0]
        if top not in sys.stdlib_module_names:
            e.msg = f"No module named '{e.name}'"
            e.add_note(
                "Only the Python standard library is available: this runner works offline "
                "and cannot install third-party packages."
            )

def run_user(code, stdin_ok):
    linecache.cache[USER_FILE] = (len(code), None, code.splitlines(True), USER_FILE)
    g = {"__name__": "__main__", "__file__": USER_FILE, "__builtins__": builtins}
    if not stdin_ok:
        sys.stdin = _NO_STDIN
    try:
        exec(compile(code, USER_FILE, "exec", dont_inherit=True), g)
        return ("ok", 0, "", "")
    except SystemExit as e:
        if e.code is None or e.code == 0:
            return ("ok", 0, "", "")
        if isinstance(e.code, int):
            return ("error", e.code, "", f"SystemExit: {e.code}")
        print(e.code, file=sys.stderr)
        return ("error", 1, "", str(e.code))
    except BaseException as e:
        _explain(e)
        te = traceback.TracebackException.from_exception(e)
        _strip(te, set())
        text = "".join(te.format())
        sys.__stderr__.write(text)
        status = "stopped" if isinstance(e, KeyboardInterrupt) else "error"
        detail = e.msg if isinstance(e, SyntaxError) else str(e)
        message = f"{type(e).__name__}: {detail}" if detail else type(e).__name__
        return (status, 1, text, message)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
`;

/**
 * Downloads the runtime files, reporting progress (fetchRuntime); loadPyodide
 * then finds them in the HTTP cache (immutable paths), once fully read.
 */
async function prefetch(host: WorkerHost): Promise<void> {
  const responses = await fetchRuntime(
    host,
    __PYODIDE_FILES__.map((file) => ({ url: `${__PYODIDE_INDEX_PATH__}${file.name}`, bytes: file.bytes })),
  );
  await Promise.all(responses.map((res) => res.arrayBuffer()));
}

type RunResult = { toJs(): [string, number, string, string]; destroy(): void };

interface Python {
  py: PyodideInterface;
  runUser: ((code: string, stdinOk: boolean) => RunResult) & {
    /** With JS Promise integration: lets asyncio.run() and friends suspend. */
    callPromising?: (code: string, stdinOk: boolean) => Promise<RunResult>;
  };
  batcher: OutputBatcher;
}

const SLEEP_SLICE_MS = 50;

/**
 * A blocking sleep for Python's time.sleep: waits on a private shared cell in
 * slices so that a stop (interrupt buffer) ends it within one slice.
 */
function makeSleep(py: PyodideInterface, interrupt: Int32Array): (secs: number) => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (secs) => {
    const end = performance.now() + secs * 1000;
    for (;;) {
      if (Atomics.load(interrupt, 0) !== 0) py.checkInterrupt();
      const left = end - performance.now();
      if (left <= 0) return;
      Atomics.wait(cell, 0, 0, Math.min(left, SLEEP_SLICE_MS));
    }
  };
}

let python: Promise<Python> | null = null;

function load(host: WorkerHost): Promise<Python> {
  python ??= (async () => {
    await prefetch(host);
    const py = await loadPyodide({ indexURL: __PYODIDE_INDEX_PATH__, env: { HOME: '/home/pyodide' } });
    const batcher = new OutputBatcher((stream, text) => host.send({ type: 'output', stream, text }), {
      now: () => performance.now(),
      later: (fn, ms) => void setTimeout(fn, ms),
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new TextDecoder();
      const write = (buf: Uint8Array): number => {
        batcher.write(stream, decoder.decode(buf, { stream: true }));
        return buf.length;
      };
      if (stream === 'stdout') py.setStdout({ write, isatty: false });
      else py.setStderr({ write, isatty: false });
    }
    const interrupt = host.interruptBuffer ? new Int32Array(host.interruptBuffer) : null;
    if (interrupt) py.setInterruptBuffer(interrupt);
    const stdin = host.stdinBuffer;
    if (stdin) {
      py.setStdin({
        isatty: false,
        // null is end of input: input() raises EOFError, sys.stdin.read() returns.
        stdin: () =>
          requestStdin(
            stdin,
            () => {
              batcher.flush();
              host.send({ type: 'stdin-request' });
            },
            // A stop while blocked here raises KeyboardInterrupt out of input().
            () => {
              if (interrupt && Atomics.load(interrupt, 0) !== 0) py.checkInterrupt();
            },
          ),
      });
    } else {
      py.setStdin({ error: true });
    }
    const ns = py.globals.get('dict')();
    py.runPython(HELPER, { globals: ns, filename: '<pairpad-runner>' });
    if (interrupt) (ns.get('_install_sleep') as (fn: (secs: number) => void) => void)(makeSleep(py, interrupt));
    const runUser = ns.get('run_user') as Python['runUser'];
    host.send({ type: 'loaded' });
    return { py, runUser, batcher };
  })();
  return python;
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const { runUser, batcher } = await load(host);
  batcher.reset();
  if (host.interruptBuffer) Atomics.store(new Int32Array(host.interruptBuffer), 0, 0);
  host.send({ type: 'started' });
  const stdinOk = host.stdinBuffer !== null;
  const result = runUser.callPromising ? await runUser.callPromising(msg.code, stdinOk) : runUser(msg.code, stdinOk);
  const [status, exitCode, traceback, message] = result.toJs();
  result.destroy();
  batcher.flush();
  if (status === 'ok') {
    host.send({ type: 'done', status: 'ok', exitCode: 0 });
    return;
  }
  const position = pythonErrorPosition(traceback, USER_FILE);
  host.send({
    type: 'done',
    status: status === 'stopped' ? 'stopped' : 'error',
    exitCode,
    error: { message, ...(position ? { position } : {}) },
  });
}

// Python programs reach JS globals through `import js`.
forbidNestedWorkers();
// Runs are serialized: the runner page sends the next one only after `done`.
let queue: Promise<void> = Promise.resolve();
serveWorker((msg, host) => {
  const job = msg.type === 'preload' ? () => load(host).then(() => undefined) : () => run(host, msg);
  queue = queue.then(job).catch((err: unknown) => {
    // The runtime failed (to load): an uncaught error reaches the page's
    // Worker `error` event, which reports it and replaces this worker.
    setTimeout(() => {
      throw err instanceof Error ? err : new Error(String(err));
    }, 0);
  });
});
