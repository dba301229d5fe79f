import { RUNNER_CONNECT, RUNNER_HELLO, type WorkerInit } from '../../src/services/executor/protocol';
import { Runner, type WorkerEvents, type WorkerHandle, type WorkerKind } from './runner';
import { runtimeKind } from './runtimes';
import { createStdinBuffer } from './stdin';

/**
 * The runner origin's page, embedded by the app in a sandboxed iframe. It
 * announces itself to its parent, accepts one MessagePort from it, and from
 * then on talks to the app only over that port.
 */

const isolated = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;

function createWorker(kind: WorkerKind): Worker {
  // One literal per worker so that Vite bundles each as a module worker.
  switch (kind) {
    case 'js':
      return new Worker(new URL('./js.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-js' });
    case 'ts':
      return new Worker(new URL('./ts.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-ts' });
    case 'python':
      return new Worker(new URL('./python.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-python' });
    case 'lua':
      return new Worker(new URL('./lua.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-lua' });
    case 'sql':
      return new Worker(new URL('./sql.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-sql' });
    case 'ruby':
      return new Worker(new URL('./ruby.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-ruby' });
    case 'clang':
      return new Worker(new URL('./clang.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-clang' });
    case 'go':
      return new Worker(new URL('./go.worker.ts', import.meta.url), { type: 'module', name: 'pairpad-go' });
  }
}

/**
 * A worker talks to this page over a private MessageChannel: user code in the
 * worker can post on the worker's default channel, which is never listened
 * to (only its `error` events are).
 */
function spawnWorker(kind: WorkerKind, events: WorkerEvents): WorkerHandle {
  const worker = createWorker(kind);
  const channel = new MessageChannel();
  const stdinBuffer = isolated ? createStdinBuffer() : null;
  const interruptBuffer = isolated && runtimeKind(kind).interruptible ? new SharedArrayBuffer(4) : null;
  channel.port1.onmessage = (event) => events.message(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    events.crash(event.message ?? '');
  };
  const init: WorkerInit = { type: 'init', port: channel.port2, stdinBuffer, interruptBuffer };
  worker.postMessage(init, [channel.port2]);
  return {
    stdinBuffer,
    interruptBuffer,
    send: (msg) => channel.port1.postMessage(msg),
    terminate: () => {
      worker.terminate();
      channel.port1.onmessage = null;
      channel.port1.close();
    },
  };
}

function connect(port: MessagePort): void {
  const runner = new Runner({
    post: (msg) => port.postMessage(msg),
    spawn: spawnWorker,
    isolated,
    now: () => performance.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  });
  port.onmessage = (event) => runner.handleApp(event.data);
  window.addEventListener('pagehide', () => runner.dispose());
  runner.ready();
}

/** The app origin, when the app put it in the page URL (`?app=<origin>`). */
const expectedOrigin = new URLSearchParams(location.search).get('app');
let connected = false;

function onWindowMessage(event: MessageEvent): void {
  if (connected || event.source !== window.parent || window.parent === window) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== RUNNER_CONNECT) return;
  if (event.ports.length !== 1) return;
  if (expectedOrigin !== null && event.origin !== expectedOrigin) return;
  connected = true;
  window.removeEventListener('message', onWindowMessage);
  connect(event.ports[0]!);
}

window.addEventListener('message', onWindowMessage);
if (window.parent !== window) window.parent.postMessage({ type: RUNNER_HELLO }, '*');
