import type { RunnerToWorker, WorkerRun } from '../../src/services/executor/protocol';
import { OutputBatcher } from './outputBatcher';
import { requestStdin } from './stdin';
import { serveWorker, type WorkerHost } from './workerHost';

/**
 * Shared plumbing of the Lua, SQL and Ruby run workers: runtime downloads
 * with progress, the output batcher, blocking stdin, and a serialized job
 * queue (the same shape as python.worker.ts).
 */

/** A runtime file on the runner origin and its raw (decoded) size from the build. */
export interface RuntimeFile {
  url: string;
  bytes: number;
  /** Hex SHA-256 of the raw bytes (from the build). */
  sha256: string;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Fetches runtime files and reports progress while their bodies arrive. The
 * returned responses are unread: a clone of each is counted (decoded bytes,
 * since Content-Length is the compressed size), so the caller can hand the
 * original to `WebAssembly.compileStreaming` and keep the engine's code cache.
 */
export async function fetchRuntime(host: WorkerHost, files: readonly Pick<RuntimeFile, 'url' | 'bytes'>[]): Promise<Response[]> {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  let loaded = 0;
  let last = 0;
  const report = (force: boolean): void => {
    const t = performance.now();
    if (!force && t - last < PROGRESS_INTERVAL_MS) return;
    last = t;
    host.send({ type: 'progress', loaded: Math.min(loaded, total), total });
  };
  report(true);
  return Promise.all(
    files.map(async (file) => {
      const res = await fetch(file.url);
      if (!res.ok || !res.body) throw new Error(`${file.url}: HTTP ${res.status}`);
      const reader = res.clone().body!.getReader();
      void (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          loaded += value.byteLength;
          report(loaded >= total);
        }
      })().catch(() => undefined);
      return res;
    }),
  );
}

/** The worker's output batcher, posting over the private port. */
export function createBatcher(host: WorkerHost): OutputBatcher {
  return new OutputBatcher((stream, text) => host.send({ type: 'output', stream, text }), {
    now: () => performance.now(),
    later: (fn, ms) => void setTimeout(fn, ms),
  });
}

/** Why a program cannot read stdin without SharedArrayBuffer (`what` names the call). */
export const noStdinMessage = (what: string): string =>
  `cannot read stdin (${what}): it needs SharedArrayBuffer, which is only available when the runner page is ` +
  'cross-origin isolated (COOP/COEP headers).';

/**
 * A blocking line reader for the program: flushes pending output, asks the
 * page for a line and waits on the stdin buffer; null at end of input (and
 * at once for every read after it). Null when the page is not isolated (the
 * caller explains that to the program instead of hanging).
 */
export function stdinReader(host: WorkerHost, batcher: OutputBatcher): (() => string | null) | null {
  const buffer = host.stdinBuffer;
  if (!buffer) return null;
  return () =>
    requestStdin(buffer, () => {
      batcher.flush();
      host.send({ type: 'stdin-request' });
    });
}

export interface ScriptRuntime {
  /** Loads the runtime once (reporting progress) and sends `loaded`. */
  load(host: WorkerHost): Promise<void>;
  /** Runs one program; sends `started`, output and exactly one `done`. */
  run(host: WorkerHost, msg: WorkerRun): Promise<void>;
}

/**
 * Serves a runtime over the worker protocol. Runs are serialized (the page
 * sends the next one only after `done`); a failure outside a program (the
 * runtime did not load) is rethrown as an uncaught error, which the page's
 * Worker `error` event reports before replacing this worker.
 */
export function serveScriptRuntime(runtime: ScriptRuntime): void {
  let loading: Promise<void> | null = null;
  const load = (host: WorkerHost): Promise<void> => (loading ??= runtime.load(host));
  let queue: Promise<void> = Promise.resolve();
  serveWorker((msg: RunnerToWorker, host) => {
    const job = msg.type === 'preload' ? () => load(host) : () => load(host).then(() => runtime.run(host, msg));
    queue = queue.then(job).catch((err: unknown) => {
      setTimeout(() => {
        throw err instanceof Error ? err : new Error(String(err));
      }, 0);
    });
  });
}
