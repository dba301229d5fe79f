import type { RunnerToWorker, WorkerInit, WorkerToRunner } from '../../src/services/executor/protocol';
import { isRunnableLanguage } from '../../src/services/executor/protocol';

/** What a run worker gets from the runner page on `init`. */
export interface WorkerHost {
  /** Posts to the runner page over the private port. */
  send(msg: WorkerToRunner): void;
  stdinBuffer: SharedArrayBuffer | null;
  interruptBuffer: SharedArrayBuffer | null;
}

function isInit(data: unknown): data is WorkerInit {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  const sab = (v: unknown): boolean => v === null || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer);
  return d.type === 'init' && d.port instanceof MessagePort && sab(d.stdinBuffer) && sab(d.interruptBuffer);
}

/** Parses a message from the runner page (on the private port); null when malformed. */
export function parseRunnerToWorker(data: unknown): RunnerToWorker | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.type === 'preload') {
    return typeof d.language === 'string' && isRunnableLanguage(d.language) ? { type: 'preload', language: d.language } : { type: 'preload' };
  }
  if (d.type === 'run' && typeof d.language === 'string' && isRunnableLanguage(d.language) && typeof d.code === 'string') {
    const o = d.options;
    if (o === undefined) return { type: 'run', language: d.language, code: d.code };
    if (typeof o !== 'object' || o === null) return null;
    const { compilerFlags, setup } = o as Record<string, unknown>;
    if ((compilerFlags !== undefined && typeof compilerFlags !== 'string') || (setup !== undefined && typeof setup !== 'string')) return null;
    return {
      type: 'run',
      language: d.language,
      code: d.code,
      options: { ...(compilerFlags === undefined ? {} : { compilerFlags }), ...(setup === undefined ? {} : { setup }) },
    };
  }
  return null;
}

export const NESTED_WORKERS_MESSAGE =
  'Programs cannot start Workers here: the sandbox runs each program in one worker, so that a stop or the time limit always ends all of it.';

/**
 * Removes the Worker constructors from a run worker's global scope before
 * user code runs. A program that spawns workers which spawn workers (a fork
 * bomb) would otherwise starve the machine's cores, and with them the app's
 * own main thread; nested workers are not reachable any other way from a
 * worker scope.
 */
export function forbidNestedWorkers(scope: typeof globalThis = globalThis): void {
  for (const name of ['Worker', 'SharedWorker'] as const) {
    if (!(name in scope)) continue;
    const refuse = function (): never {
      throw new Error(NESTED_WORKERS_MESSAGE);
    };
    Object.defineProperty(scope, name, { value: refuse, configurable: false, writable: false, enumerable: false });
  }
}

/**
 * Worker side of the handshake: waits for `init` on the worker's default
 * channel (once), then talks only over the transferred port. The port's
 * postMessage is bound now, before any user code runs, so that patching
 * `MessagePort.prototype` from user code cannot intercept it later.
 */
export function serveWorker(onMessage: (msg: RunnerToWorker, host: WorkerHost) => void): void {
  const scope = self;
  const onInit = (event: MessageEvent): void => {
    if (!isInit(event.data)) return;
    scope.removeEventListener('message', onInit);
    const { port, stdinBuffer, interruptBuffer } = event.data;
    const post = MessagePort.prototype.postMessage.bind(port) as (msg: WorkerToRunner) => void;
    const host: WorkerHost = { send: (msg) => post(msg), stdinBuffer, interruptBuffer };
    port.onmessage = (e: MessageEvent) => {
      const msg = parseRunnerToWorker(e.data);
      if (msg) onMessage(msg, host);
    };
  };
  scope.addEventListener('message', onInit);
}
