/**
 * Messages between the app (app origin) and the runner page (runner origin),
 * and between the runner page and its run workers. Both sides import this
 * file; every message is a discriminated union keyed by `type`.
 *
 * App ↔ runner: after the runner page posts `RUNNER_HELLO` to its parent, the
 * app transfers one end of a MessageChannel with `RUNNER_CONNECT`; everything
 * after that crosses the port. Each run carries a fresh random nonce and the
 * app drops any message whose nonce is not the current run's.
 */

/**
 * Languages the runner knows how to execute (ids of /api/languages). Whether
 * this deployment's runner build ships each runtime is `runnable` in
 * /api/languages (from the build's runtimes.json).
 */
export const RUNNABLE_LANGUAGES = ['javascript', 'typescript', 'python', 'c', 'cpp', 'go', 'ruby', 'lua', 'sql'] as const;
export type RunnableLanguage = (typeof RUNNABLE_LANGUAGES)[number];

export function isRunnableLanguage(id: string): id is RunnableLanguage {
  return (RUNNABLE_LANGUAGES as readonly string[]).includes(id);
}

/** Output limits per run: past either, the run is stopped and marked truncated. */
export const OUTPUT_MAX_BYTES = 1024 * 1024;
export const OUTPUT_MAX_LINES = 10_000;
/** Default and bounds of the per-run time limit, in seconds. */
export const RUN_TIMEOUT_DEFAULT_S = 10;
export const RUN_TIMEOUT_MIN_S = 1;
export const RUN_TIMEOUT_MAX_S = 300;
/** Longest line of stdin one `stdin` message may carry. */
export const STDIN_MAX_BYTES = 64 * 1024;

/** The window-level handshake (the only messages not on the port). */
export const RUNNER_HELLO = 'pairpad-runner-hello';
export const RUNNER_CONNECT = 'pairpad-runner-connect';
export interface RunnerHello {
  type: typeof RUNNER_HELLO;
}
export interface RunnerConnect {
  type: typeof RUNNER_CONNECT;
}

// ---- app → runner (over the port) ------------------------------------------

/** Per-session settings a runtime may use (set by the interviewer). */
export interface RunOptions {
  /** Extra compiler flags, space separated (C, C++). */
  compilerFlags?: string;
  /** A script run before the program (SQL: the schema and seed data). */
  setup?: string;
}
export const RUN_OPTION_MAX_CHARS = 64 * 1024;

export interface RunRequest {
  type: 'run';
  nonce: string;
  language: RunnableLanguage;
  code: string;
  timeoutMs: number;
  options?: RunOptions;
}
/** A line the user typed for the program's stdin (newline included). */
export interface StdinMessage {
  type: 'stdin';
  nonce: string;
  text: string;
}
/** End of input (Ctrl+D): the program's reads see end of file from now on. */
export interface StdinEndMessage {
  type: 'stdin-end';
  nonce: string;
}
/** Stop the run: Python gets KeyboardInterrupt first, JS is terminated. */
export interface StopMessage {
  type: 'stop';
  nonce: string;
}
/** Warm a runtime up before the first run (e.g. when Python is selected). */
export interface PreloadMessage {
  type: 'preload';
  language: RunnableLanguage;
}
export type AppToRunner = RunRequest | StdinMessage | StdinEndMessage | StopMessage | PreloadMessage;

// ---- runner → app (over the port) ------------------------------------------

/** Sent once on connect. `isolated` = SharedArrayBuffer is available. */
export interface RunnerReady {
  type: 'ready';
  isolated: boolean;
}
/** The runtime is downloading (first run of a language). */
export interface RunProgress {
  type: 'progress';
  nonce: string;
  loaded: number;
  total: number;
}
/** The program started executing user code (runtime loaded). */
export interface RunStarted {
  type: 'started';
  nonce: string;
}
export type OutputStream = 'stdout' | 'stderr';
export interface RunOutput {
  type: 'output';
  nonce: string;
  stream: OutputStream;
  text: string;
}
/** The program is blocked reading stdin. */
export interface StdinRequest {
  type: 'stdin-request';
  nonce: string;
}
/** How a run ended. */
export type RunStatus = 'ok' | 'error' | 'timeout' | 'stopped' | 'truncated' | 'crashed';
/** Where an error points in the user's code (1-based). */
export interface SourcePosition {
  line: number;
  column?: number;
}
/** A compiler message about the user's code (becomes an editor marker). */
export interface Diagnostic {
  severity: 'error' | 'warning';
  line: number;
  column?: number;
  message: string;
}
/** Most diagnostics one run reports. */
export const DIAGNOSTICS_MAX = 100;
export interface RunFinished {
  type: 'finished';
  nonce: string;
  status: RunStatus;
  exitCode: number;
  durationMs: number;
  /** The uncaught error, for status `error`. */
  error?: { message: string; position?: SourcePosition };
  /** Compiler errors and warnings (compiled languages). */
  diagnostics?: Diagnostic[];
}
/** A runtime failed to load (not a program error). */
export interface RunnerNotice {
  type: 'notice';
  nonce: string | null;
  message: string;
}
export type RunnerToApp = RunnerReady | RunProgress | RunStarted | RunOutput | StdinRequest | RunFinished | RunnerNotice;

// ---- runner page ↔ run worker (over a private port) -------------------------

/** First message to a worker: the private port plus, when isolated, shared buffers. */
export interface WorkerInit {
  type: 'init';
  /** Transferred: every later message in both directions crosses it, out of user code's reach. */
  port: MessagePort;
  /** Int32Array view: [0] = state (0 idle, 1 data ready, 2 end of input), [1] = byte length; bytes follow at offset 8. */
  stdinBuffer: SharedArrayBuffer | null;
  /** Pyodide interrupt buffer (Int32Array of 1; 2 = SIGINT). */
  interruptBuffer: SharedArrayBuffer | null;
}
export interface WorkerRun {
  type: 'run';
  language: RunnableLanguage;
  code: string;
  options?: RunOptions;
}
export interface WorkerPreload {
  type: 'preload';
  /** The language selected (the C/C++ worker fetches more for C++). */
  language?: RunnableLanguage;
}
export type RunnerToWorker = WorkerRun | WorkerPreload;

export interface WorkerProgress {
  type: 'progress';
  loaded: number;
  total: number;
}
export interface WorkerLoaded {
  type: 'loaded';
}
export interface WorkerStarted {
  type: 'started';
}
export interface WorkerOutput {
  type: 'output';
  stream: OutputStream;
  text: string;
}
export interface WorkerStdinRequest {
  type: 'stdin-request';
}
export interface WorkerDone {
  type: 'done';
  status: 'ok' | 'error' | 'stopped';
  exitCode: number;
  error?: { message: string; position?: SourcePosition };
  diagnostics?: Diagnostic[];
}
export type WorkerToRunner = WorkerProgress | WorkerLoaded | WorkerStarted | WorkerOutput | WorkerStdinRequest | WorkerDone;

/** Offset of the stdin bytes inside the stdin SharedArrayBuffer. */
export const STDIN_HEADER_BYTES = 8;
/** Total size of the stdin SharedArrayBuffer. */
export const STDIN_BUFFER_BYTES = STDIN_HEADER_BYTES + STDIN_MAX_BYTES;

// ---- validation ---------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isPosition(v: unknown): v is SourcePosition {
  return isObject(v) && isNumber(v.line) && (v.column === undefined || isNumber(v.column));
}

function isErrorInfo(v: unknown): v is { message: string; position?: SourcePosition } {
  return isObject(v) && isString(v.message) && (v.position === undefined || isPosition(v.position));
}

const RUN_STATUSES: readonly string[] = ['ok', 'error', 'timeout', 'stopped', 'truncated', 'crashed'];

function isDiagnostic(v: unknown): v is Diagnostic {
  return (
    isObject(v) &&
    (v.severity === 'error' || v.severity === 'warning') &&
    isNumber(v.line) &&
    v.line >= 1 &&
    (v.column === undefined || isNumber(v.column)) &&
    isString(v.message)
  );
}

/** Valid diagnostics (at most DIAGNOSTICS_MAX), or undefined when absent; null when malformed. */
function parseDiagnostics(v: unknown): Diagnostic[] | undefined | null {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > DIAGNOSTICS_MAX || !v.every(isDiagnostic)) return null;
  return v.map((d: Diagnostic) => ({
    severity: d.severity,
    line: d.line,
    ...(d.column === undefined ? {} : { column: d.column }),
    message: d.message,
  }));
}

function parseOptions(v: unknown): RunOptions | undefined | null {
  if (v === undefined) return undefined;
  if (!isObject(v)) return null;
  const out: RunOptions = {};
  for (const key of ['compilerFlags', 'setup'] as const) {
    const value = v[key];
    if (value === undefined) continue;
    if (!isString(value) || value.length > RUN_OPTION_MAX_CHARS) return null;
    out[key] = value;
  }
  return out;
}

/** Parses a message the app received on the runner port; null when malformed. */
export function parseRunnerMessage(data: unknown): RunnerToApp | null {
  if (!isObject(data) || !isString(data.type)) return null;
  const nonceOk = isString(data.nonce);
  switch (data.type) {
    case 'ready':
      return typeof data.isolated === 'boolean' ? { type: 'ready', isolated: data.isolated } : null;
    case 'progress':
      return nonceOk && isNumber(data.loaded) && isNumber(data.total)
        ? { type: 'progress', nonce: data.nonce as string, loaded: data.loaded, total: data.total }
        : null;
    case 'started':
      return nonceOk ? { type: 'started', nonce: data.nonce as string } : null;
    case 'output':
      return nonceOk && (data.stream === 'stdout' || data.stream === 'stderr') && isString(data.text)
        ? { type: 'output', nonce: data.nonce as string, stream: data.stream, text: data.text }
        : null;
    case 'stdin-request':
      return nonceOk ? { type: 'stdin-request', nonce: data.nonce as string } : null;
    case 'finished': {
      if (!nonceOk || !isString(data.status) || !RUN_STATUSES.includes(data.status)) return null;
      if (!isNumber(data.exitCode) || !isNumber(data.durationMs)) return null;
      if (data.error !== undefined && !isErrorInfo(data.error)) return null;
      const diagnostics = parseDiagnostics(data.diagnostics);
      if (diagnostics === null) return null;
      const msg: RunFinished = {
        type: 'finished',
        nonce: data.nonce as string,
        status: data.status as RunStatus,
        exitCode: data.exitCode,
        durationMs: data.durationMs,
      };
      if (data.error !== undefined) msg.error = data.error as RunFinished['error'];
      if (diagnostics) msg.diagnostics = diagnostics;
      return msg;
    }
    case 'notice':
      return (data.nonce === null || nonceOk) && isString(data.message)
        ? { type: 'notice', nonce: (data.nonce as string | null) ?? null, message: data.message }
        : null;
    default:
      return null;
  }
}

/** Parses a message the runner page received from the app; null when malformed. */
export function parseAppMessage(data: unknown): AppToRunner | null {
  if (!isObject(data) || !isString(data.type)) return null;
  switch (data.type) {
    case 'run': {
      const options = parseOptions(data.options);
      if (options === null) return null;
      return isString(data.nonce) &&
        isString(data.language) &&
        isRunnableLanguage(data.language) &&
        isString(data.code) &&
        isNumber(data.timeoutMs) &&
        data.timeoutMs > 0
        ? {
            type: 'run',
            nonce: data.nonce,
            language: data.language,
            code: data.code,
            timeoutMs: data.timeoutMs,
            ...(options ? { options } : {}),
          }
        : null;
    }
    case 'stdin':
      return isString(data.nonce) && isString(data.text) ? { type: 'stdin', nonce: data.nonce, text: data.text } : null;
    case 'stdin-end':
      return isString(data.nonce) ? { type: 'stdin-end', nonce: data.nonce } : null;
    case 'stop':
      return isString(data.nonce) ? { type: 'stop', nonce: data.nonce } : null;
    case 'preload':
      return isString(data.language) && isRunnableLanguage(data.language) ? { type: 'preload', language: data.language } : null;
    default:
      return null;
  }
}

/** Parses a message the runner page received from a run worker; null when malformed. */
export function parseWorkerMessage(data: unknown): WorkerToRunner | null {
  if (!isObject(data) || !isString(data.type)) return null;
  switch (data.type) {
    case 'progress':
      return isNumber(data.loaded) && isNumber(data.total) ? { type: 'progress', loaded: data.loaded, total: data.total } : null;
    case 'loaded':
      return { type: 'loaded' };
    case 'started':
      return { type: 'started' };
    case 'output':
      return (data.stream === 'stdout' || data.stream === 'stderr') && isString(data.text)
        ? { type: 'output', stream: data.stream, text: data.text }
        : null;
    case 'stdin-request':
      return { type: 'stdin-request' };
    case 'done': {
      if ((data.status !== 'ok' && data.status !== 'error' && data.status !== 'stopped') || !isNumber(data.exitCode)) return null;
      if (data.error !== undefined && !isErrorInfo(data.error)) return null;
      const diagnostics = parseDiagnostics(data.diagnostics);
      if (diagnostics === null) return null;
      const msg: WorkerDone = { type: 'done', status: data.status, exitCode: data.exitCode };
      if (data.error !== undefined) msg.error = data.error as WorkerDone['error'];
      if (diagnostics) msg.diagnostics = diagnostics;
      return msg;
    }
    default:
      return null;
  }
}

/** A fresh random nonce (128 bits, hex). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
