/**
 * The app side of in-browser execution: one hidden, sandboxed iframe on the
 * runner origin, reached through a private MessageChannel.
 *
 * Handshake: the runner page posts `RUNNER_HELLO` to its parent; we accept it
 * only from our iframe's window and the runner origin, then transfer one end
 * of a fresh MessageChannel with `RUNNER_CONNECT`. Everything after that
 * crosses the port and is parsed with `parseRunnerMessage`; run messages whose
 * nonce is not the current run's are dropped.
 *
 * Watchdog: the runner enforces the time limit itself, but a program can wedge
 * the runner page (e.g. by spawning nested workers). If a run has not finished
 * `timeoutMs + WATCHDOG_GRACE_MS` after it started (or `WATCHDOG_GRACE_MS`
 * after stop), the iframe is thrown away with everything in it and a fresh
 * one is created; the run ends as `timeout` or `stopped`.
 */
import {
  RUNNER_CONNECT,
  RUNNER_HELLO,
  STDIN_MAX_BYTES,
  newNonce,
  parseRunnerMessage,
  type AppToRunner,
  type Diagnostic,
  type OutputStream,
  type RunOptions as RunnerRunOptions,
  type RunStatus,
  type RunnableLanguage,
  type RunnerConnect,
  type SourcePosition,
} from './protocol';
import type { RunSettings } from '../../types/api';

/** Extra time the runner gets to report a timeout or a stop before it is torn down. */
export const WATCHDOG_GRACE_MS = 3000;
/** While the runtime downloads: longest silence (no progress) before the runner is restarted. */
export const LOAD_STALL_MS = 60_000;
/** The runner page must say hello and be ready within this time. */
export const CONNECT_TIMEOUT_MS = 20_000;

export type RunnerState =
  /** The iframe is loading; no port yet or no `ready` on it. */
  | 'connecting'
  /** `ready` arrived on the port. */
  | 'ready'
  /** The runner did not answer in time or cannot be used. */
  | 'failed'
  /** Disposed. */
  | 'closed';

/** Allowed transitions of the host's state machine. */
const TRANSITIONS: Record<RunnerState, readonly RunnerState[]> = {
  connecting: ['ready', 'failed', 'closed', 'connecting'],
  ready: ['connecting', 'closed'],
  failed: ['connecting', 'closed'],
  closed: [],
};

export interface RunnerInfo {
  state: RunnerState;
  /** From `ready`: SharedArrayBuffer works (interrupts, `input()`); null before `ready`. */
  isolated: boolean | null;
  /** Why the runner failed, in plain words. */
  message: string | null;
}

export interface RunError {
  message: string;
  position?: SourcePosition;
}

/** What the app hears about one run, in order; `finished` is always last. */
export type RunEvent =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'started' }
  | { type: 'output'; stream: OutputStream; text: string }
  | { type: 'stdin-request' }
  | { type: 'notice'; message: string }
  | { type: 'finished'; status: RunStatus; exitCode: number; durationMs: number; error?: RunError; diagnostics?: Diagnostic[] };

export interface RunOptions {
  language: RunnableLanguage;
  code: string;
  /** The program's time limit (the runner enforces it; the watchdog backs it up). */
  timeoutMs: number;
  /** Session settings for this language (compiler flags, SQL setup); omitted when empty. */
  options?: RunnerRunOptions;
  onEvent: (event: RunEvent) => void;
}

export interface RunHandle {
  readonly nonce: string;
  /** Sends one line (newline included) to a program waiting for input. */
  sendStdin: (text: string) => void;
  /** Ends the program's input: its reads see end of file from then on. */
  endStdin: () => void;
  /** Asks the runner to stop; the watchdog restarts it if it does not. */
  stop: () => void;
}

export interface RunnerHostOptions {
  /** e.g. `http://localhost:8001/` (GET /api/config). */
  runnerUrl: string;
  /** Defaults to this page's origin. */
  appOrigin?: string;
  /** Where the iframe lives; defaults to document.body. */
  container?: HTMLElement;
  /** The window the hello arrives on; defaults to window. */
  win?: Window;
  /** Tests replace the channel with a synchronous fake. */
  createChannel?: () => { port1: MessagePort; port2: MessagePort };
  onInfo?: (info: RunnerInfo) => void;
  /** Runner notices not tied to a run (e.g. a failed preload). */
  onNotice?: (message: string) => void;
}

interface ActiveRun {
  nonce: string;
  onEvent: (event: RunEvent) => void;
  timeoutMs: number;
  /** performance.now() of run(); replaced by the `started` time. */
  since: number;
  started: boolean;
  stopRequested: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

const utf8 = new TextEncoder();

/**
 * The session's run settings that apply to one language: compiler flags for
 * C and C++, the setup script for SQL; undefined when none (empty values are
 * left out, so the runtime keeps its defaults).
 */
export function runOptionsFor(language: RunnableLanguage, settings: RunSettings): RunnerRunOptions | undefined {
  const present = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v : undefined);
  const flags = language === 'c' ? present(settings.c_flags) : language === 'cpp' ? present(settings.cpp_flags) : undefined;
  if (flags) return { compilerFlags: flags };
  const setup = language === 'sql' ? present(settings.sql_setup) : undefined;
  return setup ? { setup } : undefined;
}

/** The runner's origin and the iframe URL, or an error text. */
export function runnerLocation(runnerUrl: string, appOrigin: string): { origin: string; src: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(runnerUrl);
  } catch {
    return { error: `The runner address “${runnerUrl}” is not a URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'The runner address must be http or https.' };
  if (url.origin === appOrigin) {
    // With allow-same-origin, a same-origin runner could reach into the app.
    return { error: 'The runner must be served from a different origin than the app.' };
  }
  url.search = `?app=${encodeURIComponent(appOrigin)}`;
  url.hash = '';
  return { origin: url.origin, src: url.toString() };
}

export class RunnerHost {
  private readonly options: RunnerHostOptions;
  private readonly win: Window;
  private readonly appOrigin: string;
  private readonly location: { origin: string; src: string } | { error: string };

  private iframe: HTMLIFrameElement | null = null;
  private port: MessagePort | null = null;
  /** Messages posted before the port exists. */
  private queue: AppToRunner[] = [];
  private info: RunnerInfo = { state: 'connecting', isolated: null, message: null };
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private active: ActiveRun | null = null;
  /** The language to warm up again after a restart. */
  private preloaded: RunnableLanguage | null = null;

  constructor(options: RunnerHostOptions) {
    this.options = options;
    this.win = options.win ?? window;
    this.appOrigin = options.appOrigin ?? this.win.location.origin;
    this.location = runnerLocation(options.runnerUrl, this.appOrigin);
    this.win.addEventListener('message', this.onWindowMessage);
    this.createFrame();
  }

  get state(): RunnerState {
    return this.info.state;
  }

  get runnerInfo(): RunnerInfo {
    return this.info;
  }

  /** The current iframe (tests, diagnostics). */
  get frame(): HTMLIFrameElement | null {
    return this.iframe;
  }

  get running(): boolean {
    return this.active !== null;
  }

  /** Starts a run; only one at a time. Events arrive through `onEvent`. */
  run(options: RunOptions): RunHandle {
    if (this.info.state === 'closed') throw new Error('The runner host is closed.');
    if (this.active) throw new Error('A run is already in progress.');
    if (this.info.state === 'failed') this.restart();
    const nonce = newNonce();
    const run: ActiveRun = {
      nonce,
      onEvent: options.onEvent,
      timeoutMs: options.timeoutMs,
      since: performance.now(),
      started: false,
      stopRequested: false,
      timer: null,
    };
    this.active = run;
    if ('error' in this.location) {
      this.finish(run, { type: 'finished', status: 'crashed', exitCode: -1, durationMs: 0, error: { message: this.location.error } });
    } else {
      this.send({
        type: 'run',
        nonce,
        language: options.language,
        code: options.code,
        timeoutMs: options.timeoutMs,
        ...(options.options ? { options: options.options } : {}),
      });
      this.arm(run, LOAD_STALL_MS);
    }
    return {
      nonce,
      sendStdin: (text) => this.sendStdin(run, text),
      endStdin: () => {
        if (this.active === run) this.send({ type: 'stdin-end', nonce: run.nonce });
      },
      stop: () => this.stop(run),
    };
  }

  /** Warms the runtime of the selected language up (e.g. Python or the C++ compiler, while the candidate reads the problem). */
  preload(language: RunnableLanguage): void {
    if (this.info.state === 'closed' || this.preloaded === language) return;
    this.preloaded = language;
    this.send({ type: 'preload', language });
  }

  /** Removes the iframe and every listener; an active run is dropped silently. */
  dispose(): void {
    if (this.info.state === 'closed') return;
    if (this.active?.timer) clearTimeout(this.active.timer);
    this.active = null;
    this.win.removeEventListener('message', this.onWindowMessage);
    this.teardownFrame();
    this.setInfo({ state: 'closed', isolated: this.info.isolated, message: null });
  }

  // ---- internals --------------------------------------------------------------

  private setInfo(next: RunnerInfo): void {
    if (!TRANSITIONS[this.info.state].includes(next.state)) return;
    this.info = next;
    this.options.onInfo?.(next);
  }

  private createFrame(): void {
    if ('error' in this.location) {
      this.setInfo({ state: 'failed', isolated: null, message: this.location.error });
      return;
    }
    const iframe = this.win.document.createElement('iframe');
    // Scripts and its own origin (workers, IndexedDB cache); no navigation of
    // the app, no popups, forms or modal dialogs.
    iframe.setAttribute('sandbox', 'allow-scripts allow-same-origin');
    iframe.setAttribute('allow', 'cross-origin-isolated');
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.setAttribute('data-testid', 'runner-iframe');
    iframe.title = 'Code runner';
    iframe.tabIndex = -1;
    iframe.hidden = true;
    iframe.src = this.location.src;
    (this.options.container ?? this.win.document.body).appendChild(iframe);
    this.iframe = iframe;
    this.setInfo({ state: 'connecting', isolated: null, message: null });
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.info.state !== 'connecting') return;
      this.setInfo({
        state: 'failed',
        isolated: null,
        message: `The code runner (${this.options.runnerUrl}) did not answer. Check that the server's runner port is reachable.`,
      });
      const run = this.active;
      if (run) {
        this.finish(run, {
          type: 'finished',
          status: 'crashed',
          exitCode: -1,
          durationMs: Math.round(performance.now() - run.since),
          error: { message: 'The code runner did not start.' },
        });
      }
    }, CONNECT_TIMEOUT_MS);
  }

  private teardownFrame(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    if (this.port) {
      this.port.removeEventListener('message', this.onPortMessage);
      this.port.close();
      this.port = null;
    }
    this.queue = [];
    this.iframe?.remove();
    this.iframe = null;
  }

  /** A fresh iframe: whatever the old one was running is gone with it. */
  private restart(): void {
    this.teardownFrame();
    this.createFrame();
    const language = this.preloaded;
    if (language) this.send({ type: 'preload', language });
  }

  private send(message: AppToRunner): void {
    if (this.port) this.port.postMessage(message);
    else this.queue.push(message);
  }

  private connect(source: Window): void {
    if (this.port) {
      this.port.removeEventListener('message', this.onPortMessage);
      this.port.close();
    }
    const channel = this.options.createChannel ? this.options.createChannel() : new MessageChannel();
    this.port = channel.port1;
    this.port.addEventListener('message', this.onPortMessage);
    this.port.start();
    const connect: RunnerConnect = { type: RUNNER_CONNECT };
    source.postMessage(connect, (this.location as { origin: string }).origin, [channel.port2]);
    for (const message of this.queue.splice(0)) this.port.postMessage(message);
  }

  private arm(run: ActiveRun, ms: number): void {
    if (run.timer) clearTimeout(run.timer);
    run.timer = setTimeout(() => this.onWatchdog(run), ms);
  }

  private finish(run: ActiveRun, event: Extract<RunEvent, { type: 'finished' }>): void {
    if (this.active !== run) return;
    if (run.timer) clearTimeout(run.timer);
    run.timer = null;
    this.active = null;
    run.onEvent(event);
  }

  private onWatchdog(run: ActiveRun): void {
    if (this.active !== run) return;
    const status: RunStatus = run.stopRequested ? 'stopped' : run.started ? 'timeout' : 'crashed';
    const durationMs = Math.round(performance.now() - run.since);
    // Finish first so that the restart does not see an active run.
    this.finish(run, {
      type: 'finished',
      status,
      exitCode: -1,
      durationMs,
      ...(status === 'crashed' ? { error: { message: 'The runtime stopped responding while loading.' } } : {}),
    });
    this.restart();
  }

  private sendStdin(run: ActiveRun, text: string): void {
    if (this.active !== run) return;
    const bytes = utf8.encode(text);
    const safe = bytes.length <= STDIN_MAX_BYTES ? text : new TextDecoder().decode(bytes.slice(0, STDIN_MAX_BYTES)).replace(/\uFFFD$/u, '');
    this.send({ type: 'stdin', nonce: run.nonce, text: safe });
  }

  private stop(run: ActiveRun): void {
    if (this.active !== run || run.stopRequested) return;
    run.stopRequested = true;
    const queued = this.queue.findIndex((m) => m.type === 'run' && m.nonce === run.nonce);
    if (queued >= 0) {
      // The runner never saw it.
      this.queue.splice(queued, 1);
      this.finish(run, { type: 'finished', status: 'stopped', exitCode: -1, durationMs: Math.round(performance.now() - run.since) });
      return;
    }
    this.send({ type: 'stop', nonce: run.nonce });
    this.arm(run, WATCHDOG_GRACE_MS);
  }

  private readonly onWindowMessage = (event: MessageEvent): void => {
    if ('error' in this.location || this.info.state === 'closed') return;
    const frame = this.iframe?.contentWindow;
    if (!frame || event.source !== frame || event.origin !== this.location.origin) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== RUNNER_HELLO) return;
    if (this.port && this.info.state !== 'ready') return; // a repeated hello before `ready`
    if (this.port) {
      // The runner page reloaded: whatever ran there is gone.
      this.setInfo({ state: 'connecting', isolated: null, message: null });
      const run = this.active;
      if (run) {
        this.finish(run, {
          type: 'finished',
          status: 'crashed',
          exitCode: -1,
          durationMs: Math.round(performance.now() - run.since),
          error: { message: 'The code runner restarted.' },
        });
      }
    }
    this.connect(frame);
  };

  private readonly onPortMessage = (event: MessageEvent): void => {
    const message = parseRunnerMessage(event.data);
    if (!message) return;
    if (message.type === 'ready') {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.setInfo({ state: 'ready', isolated: message.isolated, message: null });
      return;
    }
    if (message.type === 'notice' && message.nonce === null) {
      this.options.onNotice?.(message.message);
      return;
    }
    const run = this.active;
    if (!run || message.nonce !== run.nonce) return;
    switch (message.type) {
      case 'progress':
        if (!run.started) this.arm(run, LOAD_STALL_MS);
        run.onEvent({ type: 'progress', loaded: message.loaded, total: message.total });
        return;
      case 'started':
        if (run.started) return;
        run.started = true;
        run.since = performance.now();
        if (!run.stopRequested) this.arm(run, run.timeoutMs + WATCHDOG_GRACE_MS);
        run.onEvent({ type: 'started' });
        return;
      case 'output':
        run.onEvent({ type: 'output', stream: message.stream, text: message.text });
        return;
      case 'stdin-request':
        run.onEvent({ type: 'stdin-request' });
        return;
      case 'notice':
        run.onEvent({ type: 'notice', message: message.message });
        return;
      case 'finished': {
        const finished: RunEvent = {
          type: 'finished',
          status: message.status,
          exitCode: message.exitCode,
          durationMs: message.durationMs,
        };
        if (message.error) finished.error = message.error;
        if (message.diagnostics) finished.diagnostics = message.diagnostics;
        this.finish(run, finished);
        return;
      }
    }
  };
}
