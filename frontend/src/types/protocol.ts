/**
 * The Socket.IO wire contract (docs/PROTOCOL.md): event names, payloads and
 * error codes shared with the C server. Binary payloads are Socket.IO binary
 * attachments: we send Uint8Array, the browser receives ArrayBuffer.
 */
import { RUN_SETTINGS_LIMITS, type RunSettings } from './api';

export const EVENT = {
  join: 'join',
  leave: 'leave',
  codeChange: 'code_change',
  cursorMove: 'cursor_move',
  userJoined: 'user_joined',
  userLeft: 'user_left',
  languageChange: 'language_change',
  sessionUpdated: 'session_updated',
  execution: 'execution',
  error: 'error',
} as const;
export type EventName = (typeof EVENT)[keyof typeof EVENT];

/** Error codes of the socket (PROTOCOL.md "Error codes on the socket"). */
export const SOCKET_ERROR = {
  sessionNotFound: 'session_not_found',
  sessionExpired: 'session_expired',
  sessionEnded: 'session_ended',
  sessionDeleted: 'session_deleted',
  passwordRequired: 'password_required',
  invalidPassword: 'invalid_password',
  invalidName: 'invalid_name',
  invalidJoin: 'invalid_join',
  invalidStateVector: 'invalid_state_vector',
  alreadyJoined: 'already_joined',
  roomFull: 'room_full',
  rateLimited: 'rate_limited',
  notJoined: 'not_joined',
  invalidUpdate: 'invalid_update',
  payloadTooLarge: 'payload_too_large',
  documentTooLarge: 'document_too_large',
  invalidAwareness: 'invalid_awareness',
  awarenessNotYours: 'awareness_not_yours',
  invalidLanguage: 'invalid_language',
  invalidExecution: 'invalid_execution',
  unknownEvent: 'unknown_event',
  storageError: 'storage_error',
  unavailable: 'unavailable',
} as const;
export type SocketErrorCode = (typeof SOCKET_ERROR)[keyof typeof SOCKET_ERROR];

/** Codes after which the session is gone for good: the page changes. */
export const TERMINAL_CODES: ReadonlySet<string> = new Set([
  SOCKET_ERROR.sessionNotFound,
  SOCKET_ERROR.sessionExpired,
  SOCKET_ERROR.sessionEnded,
  SOCKET_ERROR.sessionDeleted,
]);

export type Role = 'interviewer' | 'candidate';

export interface User {
  id: string;
  name: string;
  /** `#rrggbb`, unique within the room while its member is present. */
  color: string;
  role: Role;
}

export interface WireError {
  code: string;
  message: string;
}

export interface AckOk {
  ok: true;
}
export interface AckError {
  ok: false;
  error: WireError;
}
export type Ack = AckOk | AckError;

export interface JoinRequest {
  session_id: string;
  name: string;
  password?: string;
  token?: string;
  state_vector?: Uint8Array;
}

export type Binary = ArrayBuffer | Uint8Array;

export interface JoinedSession {
  id: string;
  title: string;
  language: string;
  expires_at: string;
  /** Absent from older servers (then 10). */
  run_timeout_seconds?: number;
  /** Absent from older servers (then `{}`); the provider checks it with parseRunSettings. */
  run_settings?: RunSettings;
}

export interface JoinAckOk {
  ok: true;
  user: User;
  participants: User[];
  session: JoinedSession;
  update: Binary;
  state_vector: Binary;
}
export type JoinAck = JoinAckOk | AckError;

export interface LanguageChangeIn {
  language: string;
  /** Member id, or null when changed through the REST API. */
  by: string | null;
}

export interface UserLeft {
  id: string;
}

// ---- execution (shared run state) -------------------------------------------

/**
 * How a run ended: the runner's `RunStatus`, plus `interrupted`, which only
 * the server sends (the person running left before the run finished).
 */
export type ExecutionStatus = 'ok' | 'error' | 'timeout' | 'stopped' | 'truncated' | 'crashed' | 'interrupted';
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['ok', 'error', 'timeout', 'stopped', 'truncated', 'crashed', 'interrupted'];
/** `stdin` carries what the person running typed, echoed to the others. */
export type ExecutionStream = 'stdout' | 'stderr' | 'stdin';

/** Relay limits (the server drops bigger events and answers `payload_too_large`). */
export const EXECUTION_LIMITS = {
  /** Most bytes of one event's text (the server's limit is 64 KiB per event, JSON included). */
  eventBytes: 32 * 1024,
  /** Output shared per run; the rest stays on the runner's screen. */
  runBytes: 1024 * 1024,
  /** Outgoing output is batched at this interval. */
  flushMs: 100,
  /** Longest `name` and `language` we send or accept. */
  nameChars: 64,
} as const;

export interface ExecutionStarted {
  run_id: string;
  type: 'started';
  /** Language id (/api/languages). */
  language: string;
  /** Display name of the person running. */
  name: string;
}
export interface ExecutionOutput {
  run_id: string;
  type: 'output';
  stream: ExecutionStream;
  text: string;
}
export interface ExecutionFinished {
  run_id: string;
  type: 'finished';
  status: ExecutionStatus;
  exit_code: number;
  duration_ms: number;
  /** The uncaught error; `line` is 1-based in the shared code. */
  error?: { message: string; line?: number };
}
/** What a client sends on `execution`. */
export type ExecutionEventOut = ExecutionStarted | ExecutionOutput | ExecutionFinished;
/** What the server relays: the same, plus `by` = member id of the sender. */
export type ExecutionEvent = ExecutionEventOut & { by: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isShortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Validates a relayed `execution` payload; null when malformed. */
export function parseExecutionEvent(data: unknown): ExecutionEvent | null {
  if (!isRecord(data) || !isShortString(data.run_id, 128) || !isShortString(data.by, 128)) return null;
  const { run_id, by } = data;
  switch (data.type) {
    case 'started':
      return isShortString(data.language, EXECUTION_LIMITS.nameChars) && typeof data.name === 'string'
        ? { run_id, by, type: 'started', language: data.language, name: data.name.slice(0, EXECUTION_LIMITS.nameChars) }
        : null;
    case 'output':
      return (data.stream === 'stdout' || data.stream === 'stderr' || data.stream === 'stdin') && typeof data.text === 'string'
        ? { run_id, by, type: 'output', stream: data.stream, text: data.text }
        : null;
    case 'finished': {
      if (!EXECUTION_STATUSES.includes(data.status as ExecutionStatus)) return null;
      if (!isInt(data.exit_code) || typeof data.duration_ms !== 'number' || !(data.duration_ms >= 0)) return null;
      const event: ExecutionEvent = {
        run_id,
        by,
        type: 'finished',
        status: data.status as ExecutionStatus,
        exit_code: data.exit_code,
        duration_ms: data.duration_ms,
      };
      if (data.error !== undefined) {
        const e = data.error;
        if (!isRecord(e) || typeof e.message !== 'string') return null;
        if (e.line !== undefined && !(isInt(e.line) && e.line >= 1)) return null;
        event.error = e.line === undefined ? { message: e.message } : { message: e.message, line: e.line };
      }
      return event;
    }
    default:
      return null;
  }
}

/** The interviewer changed the session through the REST API. */
export interface SessionUpdated {
  title: string;
  expires_at: string;
  has_password: boolean;
  run_timeout_seconds?: number;
  /** The provider checks it with parseRunSettings. */
  run_settings?: RunSettings;
}

/** Events the server sends, with their listener signatures. */
export interface ServerToClientEvents {
  code_change: (update: Binary) => void;
  cursor_move: (update: Binary) => void;
  user_joined: (user: User) => void;
  user_left: (payload: UserLeft) => void;
  language_change: (payload: LanguageChangeIn) => void;
  session_updated: (payload: SessionUpdated) => void;
  execution: (payload: unknown) => void;
  error: (error: WireError) => void;
}

/** Events the client sends, with their argument lists. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (response: JoinAck) => void) => void;
  code_change: (update: Uint8Array, ack: (response: Ack) => void) => void;
  cursor_move: (update: Uint8Array) => void;
  language_change: (payload: { language: string }, ack: (response: Ack) => void) => void;
  execution: (payload: ExecutionEventOut) => void;
  leave: () => void;
}

export const toBytes = (data: Binary): Uint8Array =>
  data instanceof Uint8Array ? data : new Uint8Array(data);

const RUN_SETTINGS_KEYS = ['c_flags', 'cpp_flags', 'sql_setup'] as const;

/**
 * The `run_settings` of a join ack or `session_updated`: the known string
 * fields within the server's limits (others dropped); null when not an object.
 */
export function parseRunSettings(data: unknown): RunSettings | null {
  if (!isRecord(data) || Array.isArray(data)) return null;
  const out: RunSettings = {};
  for (const key of RUN_SETTINGS_KEYS) {
    const value = data[key];
    if (typeof value !== 'string') continue;
    // In UTF-16 units: never less than what the server accepts.
    const max = key === 'sql_setup' ? RUN_SETTINGS_LIMITS.sqlSetupBytes : RUN_SETTINGS_LIMITS.flagsChars * 2;
    if (value.length <= max) out[key] = value;
  }
  return out;
}
