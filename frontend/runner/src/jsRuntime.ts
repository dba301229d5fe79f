import type { OutputStream, SourcePosition, WorkerDone, WorkerRun } from '../../src/services/executor/protocol';
import { formatArgs, inspect } from './inspect';
import { OutputBatcher } from './outputBatcher';
import { cleanStack, userFramePosition } from './stack';
import { requestStdin } from './stdin';
import { forbidNestedWorkers, serveWorker, type WorkerHost } from './workerHost';

/**
 * The JavaScript/TypeScript run worker. A worker runs exactly one program
 * (the runner page terminates it afterwards), so the program may change any
 * global it likes. The code is evaluated unchanged as a module from a blob:
 * URL, so top-level await works and stack line numbers are editor lines.
 */

export interface JsWorkerOptions {
  /** Turns the source into JavaScript with the same line numbers; throws on a syntax error. */
  transpile?: (code: string) => string;
  /** Finds the position of a syntax error the engine reported without one. */
  locateSyntaxError(code: string): Promise<SourcePosition | undefined>;
  /** Message text of a syntax error thrown by `transpile`, and its position. */
  describeTranspileError?: (err: unknown) => { message: string; position?: SourcePosition };
}

// Captured before any user code runs: the program may replace the globals.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realSetInterval = globalThis.setInterval.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
const realClearInterval = globalThis.clearInterval.bind(globalThis);
const now = performance.now.bind(performance);

type Callback = (...args: unknown[]) => unknown;

/** Empty tasks waited before a run with nothing pending is declared over. */
const IDLE_HOPS = 3;

function errorText(err: unknown, url: string, fileName: string): { text: string; message: string; position?: SourcePosition } {
  if (err instanceof Error) {
    const stack = typeof err.stack === 'string' && err.stack ? err.stack : `${err.name}: ${err.message}`;
    const position = url ? userFramePosition(stack, url) : undefined;
    const text = url ? cleanStack(stack, url, fileName) : stack;
    return { text, message: `${err.name}: ${err.message}`, ...(position ? { position } : {}) };
  }
  const text = `Uncaught ${inspect(err)}`;
  return { text, message: text };
}

function table(data: unknown, columns?: readonly string[]): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const rows: [string, unknown][] =
    data instanceof Map ? [...data.entries()].map(([k, v]) => [inspect(k), v]) : Object.entries(data);
  const keys: string[] = [];
  let hasValues = false;
  for (const [, row] of rows) {
    if (typeof row === 'object' && row !== null) {
      for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
    } else hasValues = true;
  }
  const cols = columns ? [...columns] : keys;
  const header = ['(index)', ...cols, ...(hasValues ? ['Values'] : [])];
  const cell = (v: unknown): string => inspect(v, { depth: 0, breakLength: Infinity });
  const body = rows.map(([index, row]) => {
    const isObj = typeof row === 'object' && row !== null;
    const r = row as Record<string, unknown>;
    return [
      index,
      ...cols.map((c) => (isObj && Object.prototype.hasOwnProperty.call(r, c) ? cell(r[c]) : '')),
      ...(hasValues ? [isObj ? '' : cell(row)] : []),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)) + 2);
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const row = (cells: string[]): string => `│${cells.map((c, i) => ` ${c.padEnd(widths[i]! - 1)}`).join('│')}│`;
  return [line('┌', '┬', '┐'), row(header), line('├', '┼', '┤'), ...body.map(row), line('└', '┴', '┘')].join('\n');
}

function runProgram(host: WorkerHost, msg: WorkerRun, options: JsWorkerOptions): void {
  const fileName = msg.language === 'typescript' ? 'main.ts' : 'main.js';
  const g = globalThis as unknown as Record<string, unknown>;
  const batcher = new OutputBatcher((stream, text) => host.send({ type: 'output', stream, text }), {
    now,
    later: (fn, ms) => void realSetTimeout(fn, ms),
  });
  let url = '';
  let finished = false;
  let evaluated = false;
  let idleCheck = false;
  const pending = new Set<unknown>();

  const finish = (status: WorkerDone['status'], error?: WorkerDone['error']): void => {
    if (finished) return;
    finished = true;
    batcher.flush();
    host.send({ type: 'done', status, exitCode: status === 'ok' ? 0 : 1, ...(error ? { error } : {}) });
  };
  const fail = (err: unknown): void => {
    if (finished) return;
    const { text, message, position } = errorText(err, url, fileName);
    batcher.write('stderr', `${text}\n`);
    finish('error', { message, ...(position ? { position } : {}) });
  };
  /**
   * The run is over once the module evaluated and no timer of the program is
   * pending. Checked a few tasks later, so that promise jobs queued by the
   * last callback run and an unhandled rejection is reported first.
   */
  const checkIdle = (): void => {
    if (!evaluated || finished || pending.size > 0 || idleCheck) return;
    idleCheck = true;
    let hops = IDLE_HOPS;
    const hop = (): void => {
      if (finished || pending.size > 0) {
        idleCheck = false;
        return;
      }
      if (--hops > 0) {
        realSetTimeout(hop, 0);
        return;
      }
      idleCheck = false;
      finish('ok');
    };
    realSetTimeout(hop, 0);
  };
  const invoke = (cb: unknown, args: unknown[]): void => {
    if (finished) return;
    try {
      if (typeof cb === 'function') (cb as Callback)(...args);
      else (0, eval)(String(cb));
    } catch (err) {
      fail(err);
    }
  };

  // ---- timers the run waits for ----
  g.setTimeout = (cb: unknown, ms?: number, ...args: unknown[]): unknown => {
    const id: unknown = realSetTimeout(() => {
      pending.delete(id);
      invoke(cb, args);
      checkIdle();
    }, ms);
    pending.add(id);
    return id;
  };
  g.setInterval = (cb: unknown, ms?: number, ...args: unknown[]): unknown => {
    const id: unknown = realSetInterval(() => invoke(cb, args), ms);
    pending.add(id);
    return id;
  };
  g.clearTimeout = (id?: number): void => {
    realClearTimeout(id);
    if (pending.delete(id)) checkIdle();
  };
  g.clearInterval = (id?: number): void => {
    realClearInterval(id);
    if (pending.delete(id)) checkIdle();
  };

  // A program that closes its worker has ended (like process.exit in Node).
  const realClose = globalThis.close.bind(globalThis);
  g.close = (): void => {
    finish('ok');
    realClose();
  };

  // ---- console ----
  let indent = '';
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const emit = (stream: OutputStream, raw: string): void => {
    // Stacks of logged errors name the module like uncaught ones do.
    const text = url && raw.includes(url) ? raw.split(url).join(fileName) : raw;
    const shown = indent ? text.split('\n').map((l) => indent + l).join('\n') : text;
    batcher.write(stream, `${shown}\n`);
  };
  const log = (stream: OutputStream) => (...args: unknown[]) => emit(stream, formatArgs(args));
  const c = console as unknown as Record<string, unknown>;
  c.log = c.info = c.debug = log('stdout');
  c.warn = c.error = log('stderr');
  c.trace = (...args: unknown[]) => {
    const stack = new Error().stack ?? '';
    const frames = url ? cleanStack(stack, url, fileName).split('\n').slice(1).join('\n') : '';
    emit('stderr', `Trace${args.length ? `: ${formatArgs(args)}` : ''}${frames ? `\n${frames}` : ''}`);
  };
  c.dir = (value: unknown, opts?: { depth?: number | null }) =>
    emit('stdout', inspect(value, { depth: opts?.depth === null ? Infinity : (opts?.depth ?? 2) }));
  c.dirxml = c.log;
  c.assert = (cond?: unknown, ...args: unknown[]) => {
    if (cond) return;
    const rest = typeof args[0] === 'string' ? [`Assertion failed: ${args[0]}`, ...args.slice(1)] : ['Assertion failed', ...args];
    emit('stderr', formatArgs(rest));
  };
  c.count = (label = 'default') => {
    const n = (counts.get(String(label)) ?? 0) + 1;
    counts.set(String(label), n);
    emit('stdout', `${String(label)}: ${n}`);
  };
  c.countReset = (label = 'default') => void counts.delete(String(label));
  c.time = (label = 'default') => void timers.set(String(label), now());
  const elapsed = (label: string): string | null => {
    const start = timers.get(label);
    return start === undefined ? null : `${label}: ${(now() - start).toFixed(3)}ms`;
  };
  c.timeLog = (label = 'default', ...args: unknown[]) => {
    const t = elapsed(String(label));
    if (t) emit('stdout', [t, ...args.map((a) => (typeof a === 'string' ? a : inspect(a)))].join(' '));
  };
  c.timeEnd = (label = 'default') => {
    const t = elapsed(String(label));
    timers.delete(String(label));
    if (t) emit('stdout', t);
  };
  c.group = c.groupCollapsed = (...args: unknown[]) => {
    if (args.length) emit('stdout', formatArgs(args));
    indent += '  ';
  };
  c.groupEnd = () => {
    indent = indent.slice(2);
  };
  c.table = (data: unknown, columns?: readonly string[]) => {
    const t = table(data, columns);
    emit('stdout', t ?? formatArgs([data]));
  };

  // ---- stdin ----
  Object.defineProperty(globalThis, 'prompt', {
    configurable: true,
    writable: true,
    value: (message?: unknown): string | null => {
      if (!host.stdinBuffer) {
        throw new Error(
          'prompt() cannot read input: stdin needs SharedArrayBuffer, which is only available when the runner page is cross-origin isolated.',
        );
      }
      if (message !== undefined) batcher.write('stdout', String(message));
      // Like a dismissed prompt, end of input is null.
      const line = requestStdin(host.stdinBuffer, () => {
        batcher.flush();
        host.send({ type: 'stdin-request' });
      });
      return line === null ? null : line.replace(/\r?\n$/u, '');
    },
  });

  self.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    fail(event.error ?? new Error(event.message));
  });
  self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    event.preventDefault();
    fail(event.reason);
  });

  let code = msg.code;
  if (options.transpile) {
    try {
      code = options.transpile(code);
    } catch (err) {
      const described = options.describeTranspileError?.(err) ?? { message: String(err) };
      const where = described.position ? ` (${fileName}:${described.position.line}:${described.position.column ?? 1})` : '';
      batcher.write('stderr', `${described.message}${where}\n`);
      finish('error', described);
      return;
    }
  }
  url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  host.send({ type: 'started' });
  import(/* @vite-ignore */ url).then(
    () => {
      evaluated = true;
      checkIdle();
    },
    async (err: unknown) => {
      // A parse error carries no position in V8: find it with the source.
      if (err instanceof SyntaxError && !(err.stack ?? '').includes(url)) {
        const position = await options.locateSyntaxError(msg.code).catch(() => undefined);
        const where = position ? ` (${fileName}:${position.line}:${position.column ?? 1})` : '';
        batcher.write('stderr', `SyntaxError: ${err.message}${where}\n`);
        finish('error', { message: `SyntaxError: ${err.message}`, ...(position ? { position } : {}) });
        return;
      }
      fail(err);
    },
  );
}

/** Entry point of js.worker.ts and ts.worker.ts. */
export function startJsWorker(options: JsWorkerOptions): void {
  forbidNestedWorkers();
  let ran = false;
  serveWorker((msg, host) => {
    if (msg.type !== 'run' || ran) return;
    ran = true;
    runProgram(host, msg, options);
  });
}
