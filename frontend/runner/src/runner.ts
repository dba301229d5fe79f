import {
  RUN_TIMEOUT_MAX_S,
  RUN_TIMEOUT_MIN_S,
  parseAppMessage,
  parseWorkerMessage,
  type RunnableLanguage,
  type RunnerToApp,
  type RunnerToWorker,
  type RunFinished,
  type RunRequest,
  type RunStatus,
  type WorkerToRunner,
} from '../../src/services/executor/protocol';
import { OutputLimiter } from './outputLimiter';
import { runtimeKind, runtimeOf, type WorkerKind } from './runtimes';
import { resetStdin, writeStdin, writeStdinEof } from './stdin';

export type { WorkerKind } from './runtimes';

/**
 * The runner page's brain, free of DOM wiring so that it can be tested: it
 * owns the run workers (one kind per language), forwards their messages to
 * the app tagged with the run's nonce, enforces the time limit and the output
 * caps, and feeds stdin.
 */

/** The worker kind of a language, or null when this runner build has no runtime for it. */
export function workerKind(language: RunnableLanguage): WorkerKind | null {
  return runtimeOf(language)?.kind ?? null;
}

const keepsWarm = (kind: WorkerKind) => runtimeKind(kind).keepWarm;

/** What a worker reports to the page. */
export interface WorkerEvents {
  /** Data that arrived on the private port (not yet validated). */
  message(data: unknown): void;
  /** The worker died: an uncaught error reached its `error` event, or it ran out of memory. */
  crash(message: string): void;
}

/** A spawned run worker, with the shared buffers handed to it in `init`. */
export interface WorkerHandle {
  readonly stdinBuffer: SharedArrayBuffer | null;
  readonly interruptBuffer: SharedArrayBuffer | null;
  send(msg: RunnerToWorker): void;
  terminate(): void;
}

export interface RunnerDeps {
  post(msg: RunnerToApp): void;
  spawn(kind: WorkerKind, events: WorkerEvents): WorkerHandle;
  /** SharedArrayBuffer is available (the page is cross-origin isolated). */
  isolated: boolean;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(id: unknown): void;
}

/** After a Python interrupt, how long the program gets to stop before the worker is terminated. */
export const INTERRUPT_GRACE_MS = 2000;
/** Lines of stdin kept for a program that has not asked for them yet. */
export const STDIN_QUEUE_MAX = 64;

export const NOT_ISOLATED_NOTICE =
  'Runs are stopped by restarting the Python runtime, because the runner page is not cross-origin isolated ' +
  '(no SharedArrayBuffer): the next run reloads Python.';
export const NO_RUNTIME_MESSAGE = (language: string) => `This runner build has no runtime for ${language}.`;

type StopReason = 'stopped' | 'timeout' | 'truncated';

/** The run's time limit, kept within the protocol's bounds. */
export function clampTimeout(ms: number): number {
  return Math.min(Math.max(ms, RUN_TIMEOUT_MIN_S * 1000), RUN_TIMEOUT_MAX_S * 1000);
}

interface Slot {
  kind: WorkerKind;
  handle: WorkerHandle;
  /** The runtime finished loading (Python). */
  loaded: boolean;
  /** Languages this worker was asked to warm up (or ran): C and C++ share a worker, and C++ loads more. */
  preloaded: Set<RunnableLanguage>;
  dead: boolean;
}

interface ActiveRun {
  nonce: string;
  kind: WorkerKind;
  slot: Slot;
  timeoutMs: number;
  limiter: OutputLimiter;
  startedAt: number | null;
  timer: unknown;
  killTimer: unknown;
  stopReason: StopReason | null;
  stdinWaiting: boolean;
  /** Lines not yet asked for; null is end of input (nothing is queued after it). */
  stdinQueue: (string | null)[];
}

export class Runner {
  private active: ActiveRun | null = null;
  /** A spare JS/TS worker ready for the next run; the warm Python worker. */
  private readonly warm = new Map<WorkerKind, Slot>();
  private noticeSent = false;

  constructor(private readonly deps: RunnerDeps) {}

  /** The first message on the port. */
  ready(): void {
    this.deps.post({ type: 'ready', isolated: this.deps.isolated });
  }

  /** A message from the app (validated here). */
  handleApp(data: unknown): void {
    const msg = parseAppMessage(data);
    if (!msg) return;
    switch (msg.type) {
      case 'run':
        this.run(msg);
        break;
      case 'stop':
        if (this.active?.nonce === msg.nonce) this.halt(this.active, 'stopped');
        break;
      case 'stdin':
        this.stdin(msg.nonce, msg.text);
        break;
      case 'stdin-end':
        this.stdin(msg.nonce, null);
        break;
      case 'preload':
        this.preload(msg.language);
        break;
    }
  }

  /** Terminates every worker. */
  dispose(): void {
    if (this.active) this.finish(this.active, 'stopped', 1);
    for (const slot of this.warm.values()) this.terminate(slot);
    this.warm.clear();
  }

  private spawn(kind: WorkerKind): Slot {
    const slot: Slot = { kind, loaded: false, preloaded: new Set(), dead: false, handle: null as unknown as WorkerHandle };
    slot.handle = this.deps.spawn(kind, {
      message: (data) => this.onWorkerMessage(slot, data),
      crash: (message) => this.onWorkerCrash(slot, message),
    });
    return slot;
  }

  private terminate(slot: Slot): void {
    slot.dead = true;
    slot.handle.terminate();
    if (this.warm.get(slot.kind) === slot) this.warm.delete(slot.kind);
  }

  /** The worker kept for `kind`, spawned if there is none. */
  private warmSlot(kind: WorkerKind): Slot {
    let slot = this.warm.get(kind);
    if (!slot || slot.dead) {
      slot = this.spawn(kind);
      this.warm.set(kind, slot);
    }
    return slot;
  }

  /**
   * Warms the runtime of `language` up: spawns its worker (a spare one for
   * per-run kinds) and tells a warm runtime to load.
   */
  private preload(language: RunnableLanguage): void {
    const kind = workerKind(language);
    if (!kind) return;
    const slot = this.warmSlot(kind);
    if (keepsWarm(kind) && !slot.preloaded.has(language)) {
      slot.preloaded.add(language);
      slot.handle.send({ type: 'preload', language });
    }
  }

  /** After a warm worker was replaced: the new one loads what the old one had. */
  private preloadAgain(languages: Iterable<RunnableLanguage>): void {
    for (const language of languages) this.preload(language);
  }

  private run(msg: RunRequest): void {
    if (this.active) this.abandon(this.active);
    const kind = workerKind(msg.language);
    if (!kind) {
      const message = NO_RUNTIME_MESSAGE(msg.language);
      this.deps.post({ type: 'finished', nonce: msg.nonce, status: 'crashed', exitCode: 1, durationMs: 0, error: { message } });
      return;
    }
    const slot = this.warmSlot(kind);
    // A per-run worker runs one program; warm runtimes stay loaded between runs.
    if (!keepsWarm(kind)) this.warm.delete(kind);
    this.active = {
      nonce: msg.nonce,
      kind,
      slot,
      timeoutMs: clampTimeout(msg.timeoutMs),
      limiter: new OutputLimiter(),
      startedAt: null,
      timer: null,
      killTimer: null,
      stopReason: null,
      stdinWaiting: false,
      stdinQueue: [],
    };
    slot.preloaded.add(msg.language);
    // End of input belongs to one run.
    if (slot.handle.stdinBuffer) resetStdin(slot.handle.stdinBuffer);
    slot.handle.send({ type: 'run', language: msg.language, code: msg.code, ...(msg.options ? { options: msg.options } : {}) });
  }

  /** A new run arrived while one is active: end the old one at once. */
  private abandon(run: ActiveRun): void {
    run.stopReason ??= 'stopped';
    this.kill(run);
  }

  /** A line for the program, or end of input (null); kept until the program asks. */
  private stdin(nonce: string, text: string | null): void {
    const run = this.active;
    if (!run || run.nonce !== nonce || !run.slot.handle.stdinBuffer) return;
    if (run.stdinQueue.length >= STDIN_QUEUE_MAX || run.stdinQueue.includes(null)) return;
    run.stdinQueue.push(text);
    this.deliverStdin(run);
  }

  private deliverStdin(run: ActiveRun): boolean {
    const buffer = run.slot.handle.stdinBuffer;
    if (!buffer || !run.stdinWaiting || run.stdinQueue.length === 0) return false;
    const next = run.stdinQueue.shift()!;
    if (next === null) writeStdinEof(buffer);
    else writeStdin(buffer, next);
    run.stdinWaiting = false;
    return true;
  }

  private onWorkerMessage(slot: Slot, data: unknown): void {
    const msg = parseWorkerMessage(data);
    if (!msg || slot.dead) return;
    if (msg.type === 'loaded') slot.loaded = true;
    const run = this.active;
    if (!run || run.slot !== slot) return;
    this.onRunMessage(run, msg);
  }

  private onRunMessage(run: ActiveRun, msg: WorkerToRunner): void {
    const { nonce } = run;
    switch (msg.type) {
      case 'progress':
        this.deps.post({ type: 'progress', nonce, loaded: msg.loaded, total: msg.total });
        break;
      case 'loaded':
        break;
      case 'started':
        if (run.startedAt !== null) break;
        run.startedAt = this.deps.now();
        run.timer = this.deps.setTimer(() => this.halt(run, 'timeout'), run.timeoutMs);
        this.deps.post({ type: 'started', nonce });
        break;
      case 'output': {
        const text = run.limiter.take(msg.text);
        if (text) this.deps.post({ type: 'output', nonce, stream: msg.stream, text });
        if (run.limiter.exhausted) this.halt(run, 'truncated');
        break;
      }
      case 'stdin-request':
        run.stdinWaiting = true;
        if (!this.deliverStdin(run)) this.deps.post({ type: 'stdin-request', nonce });
        break;
      case 'done': {
        // A KeyboardInterrupt nobody asked for is the program's own error.
        const status: RunStatus = run.stopReason ?? (msg.status === 'stopped' ? 'error' : msg.status);
        const exitCode = status === 'ok' ? 0 : msg.exitCode || 1;
        this.finish(run, status, exitCode, status === 'error' ? msg.error : undefined, msg.diagnostics);
        break;
      }
    }
  }

  private onWorkerCrash(slot: Slot, message: string): void {
    if (slot.dead) return;
    const run = this.active;
    const { name, keepWarm } = runtimeKind(slot.kind);
    const wasLoaded = slot.loaded;
    this.terminate(slot);
    if (run && run.slot === slot) {
      const what =
        keepWarm && !wasLoaded
          ? `The ${name} runtime failed to load${message ? `: ${message}` : ''}.`
          : `The ${name} runtime crashed${message ? `: ${message}` : ' (out of memory?)'}. It has been restarted.`;
      if (!run.stopReason) this.deps.post({ type: 'output', nonce: run.nonce, stream: 'stderr', text: `${what}\n` });
      this.finish(run, run.stopReason ?? 'crashed', 1, run.stopReason ? undefined : { message: what });
    } else if (keepWarm && !wasLoaded) {
      this.deps.post({ type: 'notice', nonce: null, message: `The ${name} runtime failed to load${message ? `: ${message}` : ''}.` });
      return;
    }
    if (keepWarm && wasLoaded) this.preloadAgain(slot.preloaded);
  }

  /** Stops a run: an interruptible runtime (Python) is interrupted when it can be, everything else is terminated. */
  private halt(run: ActiveRun, reason: StopReason): void {
    if (this.active !== run || run.stopReason) return;
    run.stopReason = reason;
    const { interruptible } = runtimeKind(run.kind);
    const interrupt = interruptible ? run.slot.handle.interruptBuffer : null;
    if (interrupt) {
      Atomics.store(new Int32Array(interrupt), 0, 2);
      run.killTimer = this.deps.setTimer(() => this.kill(run), INTERRUPT_GRACE_MS);
      return;
    }
    if (interruptible && !this.noticeSent) {
      this.noticeSent = true;
      this.deps.post({ type: 'notice', nonce: run.nonce, message: NOT_ISOLATED_NOTICE });
    }
    this.kill(run);
  }

  /** Terminates the run's worker and finishes the run; a warm runtime is loaded again. */
  private kill(run: ActiveRun): void {
    if (this.active !== run) return;
    const { slot } = run;
    const wasLoaded = slot.loaded;
    this.terminate(slot);
    this.finish(run, run.stopReason ?? 'stopped', 1);
    if (keepsWarm(slot.kind) && wasLoaded) this.preloadAgain(slot.preloaded);
  }

  private finish(
    run: ActiveRun,
    status: RunStatus,
    exitCode: number,
    error?: RunFinished['error'],
    diagnostics?: RunFinished['diagnostics'],
  ): void {
    if (this.active !== run) return;
    this.active = null;
    if (run.timer !== null) this.deps.clearTimer(run.timer);
    if (run.killTimer !== null) this.deps.clearTimer(run.killTimer);
    const durationMs = run.startedAt === null ? 0 : Math.max(0, Math.round(this.deps.now() - run.startedAt));
    this.deps.post({
      type: 'finished',
      nonce: run.nonce,
      status,
      exitCode,
      durationMs,
      ...(error ? { error } : {}),
      ...(diagnostics?.length ? { diagnostics } : {}),
    });
    if (!keepsWarm(run.kind)) {
      // One program per per-run worker; keep a fresh one ready for the next run.
      if (!run.slot.dead) this.terminate(run.slot);
      this.warmSlot(run.kind);
    }
  }
}
