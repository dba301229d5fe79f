import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONNECT_TIMEOUT_MS,
  LOAD_STALL_MS,
  RunnerHost,
  WATCHDOG_GRACE_MS,
  runOptionsFor,
  runnerLocation,
  type RunEvent,
  type RunnerInfo,
} from '../../src/services/executor/runnerHost';
import { RUNNER_CONNECT, RUNNER_HELLO } from '../../src/services/executor/protocol';
import { fakeChannel, type FakeChannel } from './fakes';

const APP = 'http://localhost:8000';
const RUNNER_URL = 'http://localhost:8001/';
const RUNNER_ORIGIN = 'http://localhost:8001';

interface Setup {
  host: RunnerHost;
  channels: FakeChannel[];
  infos: RunnerInfo[];
  notices: string[];
}

let current: Setup | null = null;

function setup(runnerUrl = RUNNER_URL): Setup {
  const channels: FakeChannel[] = [];
  const infos: RunnerInfo[] = [];
  const notices: string[] = [];
  const host = new RunnerHost({
    runnerUrl,
    appOrigin: APP,
    createChannel: () => {
      const channel = fakeChannel();
      channels.push(channel);
      return channel as unknown as { port1: MessagePort; port2: MessagePort };
    },
    onInfo: (info) => infos.push(info),
    onNotice: (message) => notices.push(message),
  });
  current = { host, channels, infos, notices };
  return current;
}

/** Posts a window message as if it came from `source` at `origin`. */
function postToApp(data: unknown, source: Window | null, origin: string): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

function frameWindow(host: RunnerHost): Window {
  const win = host.frame?.contentWindow;
  if (!win) throw new Error('no runner iframe');
  // jsdom would try to deliver it; the test only looks at the call.
  vi.spyOn(win, 'postMessage').mockImplementation(() => {});
  return win;
}

/** Says hello from the iframe and answers `ready`; returns the runner's end of the port. */
function connect(s: Setup, isolated = true) {
  postToApp({ type: RUNNER_HELLO }, frameWindow(s.host), RUNNER_ORIGIN);
  const channel = s.channels[s.channels.length - 1]!;
  channel.port2.postMessage({ type: 'ready', isolated });
  return channel.port2;
}

function startRun(s: Setup, timeoutMs = 1000) {
  const events: RunEvent[] = [];
  const handle = s.host.run({ language: 'python', code: 'print(1)', timeoutMs, onEvent: (e) => events.push(e) });
  return { events, handle };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
});

afterEach(() => {
  current?.host.dispose();
  current = null;
  vi.useRealTimers();
});

describe('runnerLocation', () => {
  it('adds the app origin as ?app=', () => {
    expect(runnerLocation(RUNNER_URL, APP)).toEqual({ origin: RUNNER_ORIGIN, src: `${RUNNER_URL}?app=${encodeURIComponent(APP)}` });
  });

  it('refuses a runner on the app origin', () => {
    expect(runnerLocation('http://localhost:8000/', APP)).toEqual({
      error: 'The runner must be served from a different origin than the app.',
    });
  });

  it('refuses a non-http URL', () => {
    expect(runnerLocation('javascript:alert(1)', APP)).toEqual({ error: 'The runner address must be http or https.' });
  });
});

describe('runOptionsFor', () => {
  const settings = { c_flags: '-O2 -std=c11', cpp_flags: '-std=c++17', sql_setup: 'CREATE TABLE t (x);' };

  it.each([
    ['c', { compilerFlags: '-O2 -std=c11' }],
    ['cpp', { compilerFlags: '-std=c++17' }],
    ['sql', { setup: 'CREATE TABLE t (x);' }],
    ['python', undefined],
    ['javascript', undefined],
    ['go', undefined],
  ] as const)('maps the settings for %s', (language, expected) => {
    expect(runOptionsFor(language, settings)).toEqual(expected);
  });

  it('leaves out empty and absent values', () => {
    expect(runOptionsFor('c', { c_flags: '  ', sql_setup: 'x' })).toBeUndefined();
    expect(runOptionsFor('cpp', {})).toBeUndefined();
    expect(runOptionsFor('sql', { sql_setup: '' })).toBeUndefined();
  });
});

describe('RunnerHost: iframe and handshake', () => {
  it('creates a hidden iframe with only allow-scripts and allow-same-origin', () => {
    const { host } = setup();
    const frame = host.frame!;
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts allow-same-origin');
    expect(frame.getAttribute('allow')).toBe('cross-origin-isolated');
    expect(frame.hidden).toBe(true);
    expect(frame.getAttribute('src')).toBe(`${RUNNER_URL}?app=${encodeURIComponent(APP)}`);
    expect(frame.isConnected).toBe(true);
  });

  it('answers the hello with RUNNER_CONNECT, transferring port2 to the runner origin', () => {
    const s = setup();
    const win = frameWindow(s.host);
    postToApp({ type: RUNNER_HELLO }, win, RUNNER_ORIGIN);
    expect(s.channels).toHaveLength(1);
    expect(win.postMessage).toHaveBeenCalledWith({ type: RUNNER_CONNECT }, RUNNER_ORIGIN, [s.channels[0]!.port2]);
  });

  it('ignores a hello from another window', () => {
    const s = setup();
    const win = frameWindow(s.host);
    postToApp({ type: RUNNER_HELLO }, window, RUNNER_ORIGIN);
    expect(s.channels).toHaveLength(0);
    expect(win.postMessage).not.toHaveBeenCalled();
  });

  it('ignores a hello from the iframe with the wrong origin', () => {
    const s = setup();
    const win = frameWindow(s.host);
    postToApp({ type: RUNNER_HELLO }, win, 'http://evil.example');
    expect(s.channels).toHaveLength(0);
    expect(win.postMessage).not.toHaveBeenCalled();
  });

  it('ignores other window messages from the iframe', () => {
    const s = setup();
    postToApp({ type: 'hello' }, frameWindow(s.host), RUNNER_ORIGIN);
    expect(s.channels).toHaveLength(0);
  });

  it('becomes ready with the isolation flag from `ready`', () => {
    const s = setup();
    connect(s, false);
    expect(s.host.runnerInfo).toEqual({ state: 'ready', isolated: false, message: null });
  });

  it('fails when the runner does not answer in time', () => {
    const s = setup();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(s.host.state).toBe('failed');
    expect(s.host.runnerInfo.message).toContain('did not answer');
  });

  it('refuses a same-origin runner without creating an iframe', () => {
    const s = setup('http://localhost:8000/');
    expect(s.host.frame).toBeNull();
    expect(s.host.runnerInfo).toEqual({
      state: 'failed',
      isolated: null,
      message: 'The runner must be served from a different origin than the app.',
    });
  });

  it('removes the iframe on dispose', () => {
    const s = setup();
    const frame = s.host.frame!;
    s.host.dispose();
    expect(frame.isConnected).toBe(false);
    expect(s.host.state).toBe('closed');
  });
});

describe('RunnerHost: runs', () => {
  it('posts runs asked for before the handshake once connected', () => {
    const s = setup();
    const { handle } = startRun(s);
    const runner = connect(s);
    expect(runner.received).toEqual([{ type: 'run', nonce: handle.nonce, language: 'python', code: 'print(1)', timeoutMs: 1000 }]);
  });

  it('forwards progress, start, output, stdin requests and the result of the current run', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s);
    const nonce = handle.nonce;
    runner.postMessage({ type: 'progress', nonce, loaded: 1, total: 2 });
    runner.postMessage({ type: 'started', nonce });
    runner.postMessage({ type: 'output', nonce, stream: 'stdout', text: '1\n' });
    runner.postMessage({ type: 'stdin-request', nonce });
    runner.postMessage({ type: 'finished', nonce, status: 'ok', exitCode: 0, durationMs: 12 });
    expect(events).toEqual([
      { type: 'progress', loaded: 1, total: 2 },
      { type: 'started' },
      { type: 'output', stream: 'stdout', text: '1\n' },
      { type: 'stdin-request' },
      { type: 'finished', status: 'ok', exitCode: 0, durationMs: 12 },
    ]);
    expect(s.host.running).toBe(false);
  });

  it('sends the run options with the run', () => {
    const s = setup();
    const runner = connect(s);
    const handle = s.host.run({ language: 'c', code: 'int main(){}', timeoutMs: 1000, options: { compilerFlags: '-O2' }, onEvent: () => {} });
    expect(runner.received).toEqual([
      { type: 'run', nonce: handle.nonce, language: 'c', code: 'int main(){}', timeoutMs: 1000, options: { compilerFlags: '-O2' } },
    ]);
  });

  it('passes compiler diagnostics on with the result', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s);
    const diagnostics = [{ severity: 'warning', line: 2, column: 5, message: 'unused variable' }];
    runner.postMessage({ type: 'finished', nonce: handle.nonce, status: 'error', exitCode: 1, durationMs: 3, diagnostics });
    expect(events).toEqual([{ type: 'finished', status: 'error', exitCode: 1, durationMs: 3, diagnostics }]);
  });

  it('ignores messages with another nonce', () => {
    const s = setup();
    const runner = connect(s);
    const { events } = startRun(s);
    runner.postMessage({ type: 'output', nonce: 'not-the-current-run', stream: 'stdout', text: 'spoofed' });
    runner.postMessage({ type: 'finished', nonce: 'not-the-current-run', status: 'ok', exitCode: 0, durationMs: 1 });
    expect(events).toEqual([]);
    expect(s.host.running).toBe(true);
  });

  it('ignores malformed port messages', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s);
    runner.postMessage({ type: 'output', nonce: handle.nonce, stream: 'stdin', text: 'x' });
    runner.postMessage('finished');
    runner.postMessage({ type: 'finished', nonce: handle.nonce, status: 'fine', exitCode: 0, durationMs: 1 });
    expect(events).toEqual([]);
  });

  it('passes runner notices without a run to onNotice', () => {
    const s = setup();
    const runner = connect(s);
    runner.postMessage({ type: 'notice', nonce: null, message: 'Python failed to load' });
    expect(s.notices).toEqual(['Python failed to load']);
  });

  it('sends the end of input with the run nonce', () => {
    const s = setup();
    const runner = connect(s);
    const { handle } = startRun(s);
    handle.sendStdin('1 2\n');
    handle.endStdin();
    expect(runner.received.slice(1)).toEqual([
      { type: 'stdin', nonce: handle.nonce, text: '1 2\n' },
      { type: 'stdin-end', nonce: handle.nonce },
    ]);
  });

  it('sends no end of input for a run that is over', () => {
    const s = setup();
    const runner = connect(s);
    const { handle } = startRun(s);
    runner.postMessage({ type: 'finished', nonce: handle.nonce, status: 'ok', exitCode: 0, durationMs: 1 });
    handle.endStdin();
    expect(runner.received).toEqual([expect.objectContaining({ type: 'run' })]);
  });

  it('refuses a second run while one is active', () => {
    const s = setup();
    connect(s);
    startRun(s);
    expect(() => startRun(s)).toThrow('A run is already in progress.');
  });

  it('sends stdin and stop with the run nonce', () => {
    const s = setup();
    const runner = connect(s);
    const { handle } = startRun(s);
    handle.sendStdin('42\n');
    handle.stop();
    expect(runner.received.slice(1)).toEqual([
      { type: 'stdin', nonce: handle.nonce, text: '42\n' },
      { type: 'stop', nonce: handle.nonce },
    ]);
  });

  it('finishes a run stopped before the handshake without sending it', () => {
    const s = setup();
    const { events, handle } = startRun(s);
    handle.stop();
    const runner = connect(s);
    expect(events).toEqual([{ type: 'finished', status: 'stopped', exitCode: -1, durationMs: 0 }]);
    expect(runner.received).toEqual([]);
  });

  it('finishes the run as crashed when the runner page reloads', () => {
    const s = setup();
    connect(s);
    const { events } = startRun(s);
    postToApp({ type: RUNNER_HELLO }, s.host.frame!.contentWindow, RUNNER_ORIGIN);
    expect(events).toEqual([
      { type: 'finished', status: 'crashed', exitCode: -1, durationMs: 0, error: { message: 'The code runner restarted.' } },
    ]);
    expect(s.channels).toHaveLength(2);
    expect(s.channels[0]!.port1.closed).toBe(true);
  });
});

describe('RunnerHost: watchdog', () => {
  it('tears the iframe down and creates a fresh one when a run outlives its limit', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s, 1000);
    runner.postMessage({ type: 'started', nonce: handle.nonce });
    const oldFrame = s.host.frame!;
    vi.advanceTimersByTime(1000 + WATCHDOG_GRACE_MS - 1);
    expect(events).toEqual([{ type: 'started' }]);
    vi.advanceTimersByTime(1);
    expect(events[1]).toEqual({ type: 'finished', status: 'timeout', exitCode: -1, durationMs: 1000 + WATCHDOG_GRACE_MS });
    expect(oldFrame.isConnected).toBe(false);
    expect(s.host.frame).not.toBe(oldFrame);
    expect(s.host.frame!.isConnected).toBe(true);
    expect(runner.closed).toBe(false);
    expect(s.channels[0]!.port1.closed).toBe(true);
    expect(s.host.state).toBe('connecting');
  });

  it('restarts the runner when a stop is not honoured within the grace time', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s, 60_000);
    runner.postMessage({ type: 'started', nonce: handle.nonce });
    const oldFrame = s.host.frame!;
    handle.stop();
    vi.advanceTimersByTime(WATCHDOG_GRACE_MS);
    expect(events[1]).toEqual({ type: 'finished', status: 'stopped', exitCode: -1, durationMs: WATCHDOG_GRACE_MS });
    expect(oldFrame.isConnected).toBe(false);
  });

  it('keeps waiting while the runtime download makes progress', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s);
    vi.advanceTimersByTime(LOAD_STALL_MS - 1);
    runner.postMessage({ type: 'progress', nonce: handle.nonce, loaded: 5, total: 10 });
    vi.advanceTimersByTime(LOAD_STALL_MS - 1);
    expect(s.host.running).toBe(true);
    expect(events).toEqual([{ type: 'progress', loaded: 5, total: 10 }]);
  });

  it('restarts the runner when loading stalls', () => {
    const s = setup();
    connect(s);
    const { events } = startRun(s);
    vi.advanceTimersByTime(LOAD_STALL_MS);
    expect(events).toEqual([
      {
        type: 'finished',
        status: 'crashed',
        exitCode: -1,
        durationMs: LOAD_STALL_MS,
        error: { message: 'The runtime stopped responding while loading.' },
      },
    ]);
    expect(s.channels[0]!.port1.closed).toBe(true);
  });

  it('preloads again after a restart', () => {
    const s = setup();
    const runner = connect(s);
    s.host.preload('python');
    const { handle } = startRun(s);
    runner.postMessage({ type: 'started', nonce: handle.nonce });
    vi.advanceTimersByTime(1000 + WATCHDOG_GRACE_MS);
    const fresh = connect(s);
    expect(fresh.received).toEqual([{ type: 'preload', language: 'python' }]);
  });

  it('does not fire after the run finished', () => {
    const s = setup();
    const runner = connect(s);
    const { events, handle } = startRun(s, 1000);
    runner.postMessage({ type: 'started', nonce: handle.nonce });
    runner.postMessage({ type: 'finished', nonce: handle.nonce, status: 'ok', exitCode: 0, durationMs: 5 });
    const frame = s.host.frame;
    vi.advanceTimersByTime(10 * (1000 + WATCHDOG_GRACE_MS));
    expect(events).toHaveLength(2);
    expect(s.host.frame).toBe(frame);
  });
});
