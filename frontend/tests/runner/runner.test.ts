import { describe, expect, it, vi } from 'vitest';
import { INTERRUPT_GRACE_MS, NOT_ISOLATED_NOTICE, Runner, clampTimeout, type WorkerEvents, type WorkerKind } from '../../runner/src/runner';
import * as runtimes from '../../runner/src/runtimes';
import { readStdin, stdinEnded, stdinReady, createStdinBuffer, writeStdinEof } from '../../runner/src/stdin';
import type { RunnerToApp, RunnerToWorker } from '../../src/services/executor/protocol';

interface FakeWorker {
  kind: WorkerKind;
  events: WorkerEvents;
  sent: RunnerToWorker[];
  terminated: boolean;
  stdinBuffer: SharedArrayBuffer | null;
  interruptBuffer: SharedArrayBuffer | null;
}

function setup({ isolated = true } = {}) {
  const posted: RunnerToApp[] = [];
  const workers: FakeWorker[] = [];
  const timers = new Map<number, { fn: () => void; at: number }>();
  let now = 0;
  let nextTimer = 1;
  const runner = new Runner({
    post: (msg) => posted.push(msg),
    isolated,
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextTimer++;
      timers.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimer: (id) => void timers.delete(id as number),
    spawn: (kind, events) => {
      const w: FakeWorker = {
        kind,
        events,
        sent: [],
        terminated: false,
        stdinBuffer: isolated ? createStdinBuffer() : null,
        interruptBuffer: isolated && kind === 'python' ? new SharedArrayBuffer(4) : null,
      };
      workers.push(w);
      return {
        stdinBuffer: w.stdinBuffer,
        interruptBuffer: w.interruptBuffer,
        send: (msg) => w.sent.push(msg),
        terminate: () => {
          w.terminated = true;
        },
      };
    },
  });
  const advance = (ms: number): void => {
    now += ms;
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id);
        t.fn();
      }
    }
  };
  const run = (nonce: string, language = 'javascript', timeoutMs = 5000): void =>
    runner.handleApp({ type: 'run', nonce, language, code: 'code', timeoutMs });
  const last = (): RunnerToApp => posted[posted.length - 1]!;
  return { runner, posted, workers, advance, run, last };
}

describe('Runner: connection', () => {
  it('announces readiness with the isolation flag', () => {
    const { runner, posted } = setup({ isolated: false });
    runner.ready();
    expect(posted).toEqual([{ type: 'ready', isolated: false }]);
  });
  it('ignores malformed app messages', () => {
    const { runner, workers, posted } = setup();
    runner.handleApp({ type: 'run', nonce: 'n', language: 'cobol', code: '', timeoutMs: 10 });
    runner.handleApp('run');
    expect([workers.length, posted.length]).toEqual([0, 0]);
  });
});

describe('Runner: JavaScript runs', () => {
  it('sends the code to a JS worker', () => {
    const { workers, run } = setup();
    run('n1');
    expect(workers.map((w) => w.kind)).toEqual(['js']);
    expect(workers[0]!.sent).toEqual([{ type: 'run', language: 'javascript', code: 'code' }]);
  });
  it('uses a TS worker for TypeScript', () => {
    const { workers, run } = setup();
    run('n1', 'typescript');
    expect(workers[0]!.kind).toBe('ts');
  });
  it('forwards started and output with the run nonce', () => {
    const { workers, run, posted } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'started' });
    workers[0]!.events.message({ type: 'output', stream: 'stdout', text: 'hi\n' });
    expect(posted).toEqual([
      { type: 'started', nonce: 'n1' },
      { type: 'output', nonce: 'n1', stream: 'stdout', text: 'hi\n' },
    ]);
  });
  it('drops worker messages that fail validation', () => {
    const { workers, run, posted } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'output', stream: 'stdlog', text: 'x' });
    expect(posted).toEqual([]);
  });
  it('finishes ok with exit code 0 and the time since started', () => {
    const { workers, run, advance, last } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'started' });
    advance(42);
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    expect(last()).toEqual({ type: 'finished', nonce: 'n1', status: 'ok', exitCode: 0, durationMs: 42 });
  });
  it('forwards the error and its position', () => {
    const { workers, run, last } = setup();
    run('n1');
    const error = { message: 'Error: boom', position: { line: 3, column: 9 } };
    workers[0]!.events.message({ type: 'done', status: 'error', exitCode: 1, error });
    expect(last()).toEqual({ type: 'finished', nonce: 'n1', status: 'error', exitCode: 1, durationMs: 0, error });
  });
  it('terminates the worker after the run and keeps a fresh spare', () => {
    const { workers, run } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers.length).toBe(2);
  });
  it('runs the next program on the spare without spawning', () => {
    const { workers, run } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    run('n2');
    expect(workers.length).toBe(2);
    expect(workers[1]!.sent).toEqual([{ type: 'run', language: 'javascript', code: 'code' }]);
  });
  it('ignores messages of a worker that is not running the current program', () => {
    const { workers, run, posted } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    const count = posted.length;
    workers[1]!.events.message({ type: 'output', stream: 'stdout', text: 'forged' });
    expect(posted.length).toBe(count);
  });
  it('terminates at the time limit, counted from started', () => {
    const { workers, run, advance, last } = setup();
    run('n1', 'javascript', 1000);
    advance(5000);
    expect(workers[0]!.terminated).toBe(false);
    workers[0]!.events.message({ type: 'started' });
    advance(1000);
    expect(workers[0]!.terminated).toBe(true);
    expect(last()).toEqual({ type: 'finished', nonce: 'n1', status: 'timeout', exitCode: 1, durationMs: 1000 });
  });
  it('keeps the time limit within the protocol bounds', () => {
    expect([clampTimeout(10), clampTimeout(5000), clampTimeout(1e9)]).toEqual([1000, 5000, 300_000]);
  });
  it('applies the lower bound to a tiny time limit', () => {
    const { workers, run, advance } = setup();
    run('n1', 'javascript', 1);
    workers[0]!.events.message({ type: 'started' });
    advance(999);
    expect(workers[0]!.terminated).toBe(false);
  });
  it('terminates at once on stop', () => {
    const { runner, workers, run, last } = setup();
    run('n1');
    runner.handleApp({ type: 'stop', nonce: 'n1' });
    expect(workers[0]!.terminated).toBe(true);
    expect(last()).toMatchObject({ type: 'finished', status: 'stopped' });
  });
  it('ignores a stop for another nonce', () => {
    const { runner, workers, run } = setup();
    run('n1');
    runner.handleApp({ type: 'stop', nonce: 'old' });
    expect(workers[0]!.terminated).toBe(false);
  });
  it('forwards what fits past the output cap, stops the program and finishes truncated', () => {
    const { workers, run, posted, last } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'output', stream: 'stdout', text: 'x\n'.repeat(10_001) });
    expect(posted[0]).toEqual({ type: 'output', nonce: 'n1', stream: 'stdout', text: 'x\n'.repeat(10_000) });
    expect(workers[0]!.terminated).toBe(true);
    expect(last()).toMatchObject({ type: 'finished', status: 'truncated', exitCode: 1 });
  });
  it('reports a crash of the worker and stays usable', () => {
    const { workers, run, posted, last } = setup();
    run('n1');
    workers[0]!.events.crash('Uncaught RangeError: Array buffer allocation failed');
    const text = 'The JavaScript runtime crashed: Uncaught RangeError: Array buffer allocation failed. It has been restarted.';
    expect(posted[0]).toEqual({ type: 'output', nonce: 'n1', stream: 'stderr', text: `${text}\n` });
    expect(last()).toEqual({ type: 'finished', nonce: 'n1', status: 'crashed', exitCode: 1, durationMs: 0, error: { message: text } });
    run('n2');
    expect(workers.at(-1)!.sent).toEqual([{ type: 'run', language: 'javascript', code: 'code' }]);
  });
  it('ends the previous run when a new one arrives', () => {
    const { workers, run, posted } = setup();
    run('n1');
    run('n2');
    expect(workers[0]!.terminated).toBe(true);
    expect(posted).toContainEqual({ type: 'finished', nonce: 'n1', status: 'stopped', exitCode: 1, durationMs: 0 });
  });
});

describe('Runner: stdin', () => {
  it('asks the app for input when the program blocks', () => {
    const { workers, run, last } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(last()).toEqual({ type: 'stdin-request', nonce: 'n1' });
  });
  it('writes the line into the worker stdin buffer', () => {
    const { runner, workers, run } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'stdin-request' });
    runner.handleApp({ type: 'stdin', nonce: 'n1', text: 'Ada\n' });
    expect(readStdin(workers[0]!.stdinBuffer!)).toBe('Ada\n');
  });
  it('keeps a line sent early for the next request', () => {
    const { runner, workers, run, posted } = setup();
    run('n1');
    runner.handleApp({ type: 'stdin', nonce: 'n1', text: 'early\n' });
    expect(stdinReady(workers[0]!.stdinBuffer!)).toBe(false);
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(readStdin(workers[0]!.stdinBuffer!)).toBe('early\n');
    expect(posted).toEqual([]);
  });
  it('ends the input when the program next asks', () => {
    const { runner, workers, run } = setup();
    run('n1');
    runner.handleApp({ type: 'stdin-end', nonce: 'n1' });
    expect(stdinEnded(workers[0]!.stdinBuffer!)).toBe(false);
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(readStdin(workers[0]!.stdinBuffer!)).toBeNull();
  });
  it('delivers the lines sent before the end of input first', () => {
    const { runner, workers, run } = setup();
    run('n1');
    runner.handleApp({ type: 'stdin', nonce: 'n1', text: 'last\n' });
    runner.handleApp({ type: 'stdin-end', nonce: 'n1' });
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(readStdin(workers[0]!.stdinBuffer!)).toBe('last\n');
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(stdinEnded(workers[0]!.stdinBuffer!)).toBe(true);
  });
  it('ignores lines sent after the end of input', () => {
    const { runner, workers, run, posted } = setup();
    run('n1');
    runner.handleApp({ type: 'stdin-end', nonce: 'n1' });
    runner.handleApp({ type: 'stdin', nonce: 'n1', text: 'late\n' });
    workers[0]!.events.message({ type: 'stdin-request' });
    workers[0]!.events.message({ type: 'stdin-request' });
    expect(stdinEnded(workers[0]!.stdinBuffer!)).toBe(true);
    expect(posted).toEqual([{ type: 'stdin-request', nonce: 'n1' }]);
  });
  it('starts every run of a warm worker with open input', () => {
    const { workers, run } = setup();
    run('p1', 'python');
    writeStdinEof(workers[0]!.stdinBuffer!);
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    run('p2', 'python');
    expect(workers.length).toBe(1);
    expect(stdinEnded(workers[0]!.stdinBuffer!)).toBe(false);
  });
  it('ignores stdin for another nonce', () => {
    const { runner, workers, run } = setup();
    run('n1');
    workers[0]!.events.message({ type: 'stdin-request' });
    runner.handleApp({ type: 'stdin', nonce: 'n0', text: 'x\n' });
    expect(stdinReady(workers[0]!.stdinBuffer!)).toBe(false);
  });
});

describe('Runner: Python', () => {
  const interruptFlag = (w: FakeWorker): number => new Int32Array(w.interruptBuffer!)[0]!;

  it('preloads one warm Python worker', () => {
    const { runner, workers } = setup();
    runner.handleApp({ type: 'preload', language: 'python' });
    runner.handleApp({ type: 'preload', language: 'python' });
    expect(workers.length).toBe(1);
    expect(workers[0]!.sent).toEqual([{ type: 'preload', language: 'python' }]);
  });
  it('forwards download progress with the run nonce', () => {
    const { workers, run, last } = setup();
    run('p1', 'python');
    workers[0]!.events.message({ type: 'progress', loaded: 10, total: 100 });
    expect(last()).toEqual({ type: 'progress', nonce: 'p1', loaded: 10, total: 100 });
  });
  it('keeps the worker warm between runs', () => {
    const { workers, run } = setup();
    run('p1', 'python');
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    run('p2', 'python');
    expect(workers.length).toBe(1);
    expect(workers[0]!.terminated).toBe(false);
  });
  it('interrupts on stop instead of terminating', () => {
    const { runner, workers, run } = setup();
    run('p1', 'python');
    runner.handleApp({ type: 'stop', nonce: 'p1' });
    expect(interruptFlag(workers[0]!)).toBe(2);
    expect(workers[0]!.terminated).toBe(false);
  });
  it('finishes stopped when the interrupted program returns', () => {
    const { runner, workers, run, last } = setup();
    run('p1', 'python');
    runner.handleApp({ type: 'stop', nonce: 'p1' });
    workers[0]!.events.message({ type: 'done', status: 'stopped', exitCode: 1, error: { message: 'KeyboardInterrupt' } });
    expect(last()).toEqual({ type: 'finished', nonce: 'p1', status: 'stopped', exitCode: 1, durationMs: 0 });
  });
  it('terminates and reloads Python when the interrupt is ignored', () => {
    const { runner, workers, run, advance, last } = setup();
    run('p1', 'python');
    workers[0]!.events.message({ type: 'loaded' });
    runner.handleApp({ type: 'stop', nonce: 'p1' });
    advance(INTERRUPT_GRACE_MS);
    expect(workers[0]!.terminated).toBe(true);
    expect(last()).toMatchObject({ type: 'finished', status: 'stopped' });
    expect(workers[1]!.sent).toEqual([{ type: 'preload', language: 'python' }]);
  });
  it('treats a KeyboardInterrupt nobody asked for as an error', () => {
    const { workers, run, last } = setup();
    run('p1', 'python');
    workers[0]!.events.message({ type: 'done', status: 'stopped', exitCode: 1, error: { message: 'KeyboardInterrupt' } });
    expect(last()).toMatchObject({ status: 'error', error: { message: 'KeyboardInterrupt' } });
  });
  it('interrupts at the time limit and finishes timeout', () => {
    const { workers, run, advance, last } = setup();
    run('p1', 'python', 1000);
    workers[0]!.events.message({ type: 'started' });
    advance(1000);
    expect(interruptFlag(workers[0]!)).toBe(2);
    workers[0]!.events.message({ type: 'done', status: 'stopped', exitCode: 1 });
    expect(last()).toMatchObject({ status: 'timeout' });
  });
  it('without isolation, restarts Python to stop it and says so once', () => {
    const { runner, workers, run, posted } = setup({ isolated: false });
    run('p1', 'python');
    workers[0]!.events.message({ type: 'loaded' });
    runner.handleApp({ type: 'stop', nonce: 'p1' });
    expect(workers[0]!.terminated).toBe(true);
    run('p2', 'python');
    runner.handleApp({ type: 'stop', nonce: 'p2' });
    expect(posted.filter((m) => m.type === 'notice')).toEqual([{ type: 'notice', nonce: 'p1', message: NOT_ISOLATED_NOTICE }]);
  });
  it('reports a runtime that fails to load during preload as a notice', () => {
    const { runner, workers, last } = setup();
    runner.handleApp({ type: 'preload', language: 'python' });
    workers[0]!.events.crash('Uncaught Error: pyodide.asm.wasm: HTTP 404');
    expect(last()).toEqual({
      type: 'notice',
      nonce: null,
      message: 'The Python runtime failed to load: Uncaught Error: pyodide.asm.wasm: HTTP 404.',
    });
  });
});

describe('Runner: preload', () => {
  it('sends a C++ preload to the compiler worker that C already warmed up', () => {
    const { runner, workers } = setup();
    runner.handleApp({ type: 'preload', language: 'c' });
    runner.handleApp({ type: 'preload', language: 'cpp' });
    runner.handleApp({ type: 'preload', language: 'cpp' });
    expect(workers.map((w) => w.kind)).toEqual(['clang']);
    expect(workers[0]!.sent).toEqual([
      { type: 'preload', language: 'c' },
      { type: 'preload', language: 'cpp' },
    ]);
  });
  it('does not preload C++ again after a C++ run', () => {
    const { runner, workers, run } = setup();
    run('c1', 'cpp');
    workers[0]!.events.message({ type: 'done', status: 'ok', exitCode: 0 });
    runner.handleApp({ type: 'preload', language: 'cpp' });
    expect(workers[0]!.sent.map((m) => m.type)).toEqual(['run']);
  });
  it('spawns a spare worker for a per-run language without sending it a preload', () => {
    const { runner, workers } = setup();
    runner.handleApp({ type: 'preload', language: 'javascript' });
    expect(workers.map((w) => [w.kind, w.sent])).toEqual([['js', []]]);
  });
  it('warms the replacement of a crashed compiler up for every language it had', () => {
    const { runner, workers, run } = setup();
    runner.handleApp({ type: 'preload', language: 'cpp' });
    workers[0]!.events.message({ type: 'loaded' });
    run('c1', 'c');
    workers[0]!.events.crash('out of memory');
    expect(workers[1]!.sent).toEqual([
      { type: 'preload', language: 'cpp' },
      { type: 'preload', language: 'c' },
    ]);
  });
});

describe('Runner: runtimes of this build', () => {
  it('finishes a run at once when the build has no runtime for the language', () => {
    // Every runnable language may have a runtime by now: pretend this build lacks Lua's.
    vi.spyOn(runtimes, 'runtimeOf').mockReturnValue(null);
    const { workers, run, last } = setup();
    run('n1', 'lua');
    expect(workers).toEqual([]);
    expect(last()).toEqual({
      type: 'finished',
      nonce: 'n1',
      status: 'crashed',
      exitCode: 1,
      durationMs: 0,
      error: { message: 'This runner build has no runtime for lua.' },
    });
  });
  it('passes the session options to the worker', () => {
    const { runner, workers } = setup();
    runner.handleApp({ type: 'run', nonce: 'n1', language: 'python', code: 'x', timeoutMs: 1000, options: { setup: 'CREATE TABLE t(x);' } });
    expect(workers[0]!.sent.at(-1)).toEqual({ type: 'run', language: 'python', code: 'x', options: { setup: 'CREATE TABLE t(x);' } });
  });
  it('forwards compiler diagnostics with the result', () => {
    const { workers, run, last } = setup();
    run('n1', 'python');
    const w = workers[0]!;
    w.events.message({ type: 'started' });
    const diagnostics = [{ severity: 'error', line: 3, column: 5, message: "expected ';'" }];
    w.events.message({ type: 'done', status: 'error', exitCode: 1, error: { message: 'compile error' }, diagnostics });
    expect(last()).toMatchObject({ type: 'finished', nonce: 'n1', status: 'error', diagnostics });
  });
});

describe('forbidNestedWorkers', () => {
  it('replaces Worker with a constructor that refuses, for good', async () => {
    const { forbidNestedWorkers, NESTED_WORKERS_MESSAGE } = await import('../../runner/src/workerHost');
    const scope = { Worker: function FakeWorker() {} } as unknown as typeof globalThis;
    forbidNestedWorkers(scope);
    expect(() => new (scope.Worker as unknown as new () => unknown)()).toThrow(NESTED_WORKERS_MESSAGE);
    expect(() => {
      (scope as unknown as { Worker: unknown }).Worker = () => undefined;
    }).toThrow(TypeError);
  });
});

describe('parseRunnerToWorker', () => {
  it('keeps the language of a preload (C++ loads more than C)', async () => {
    const { parseRunnerToWorker } = await import('../../runner/src/workerHost');
    expect(parseRunnerToWorker({ type: 'preload', language: 'cpp' })).toEqual({ type: 'preload', language: 'cpp' });
    expect(parseRunnerToWorker({ type: 'preload' })).toEqual({ type: 'preload' });
    expect(parseRunnerToWorker({ type: 'preload', language: 'cobol' })).toEqual({ type: 'preload' });
  });
});
