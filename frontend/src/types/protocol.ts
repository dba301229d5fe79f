/**
 * The Socket.IO wire contract (docs/PROTOCOL.md): event names, payloads and
 * error codes shared with the C server. Binary payloads are Socket.IO binary
 * attachments: we send Uint8Array, the browser receives ArrayBuffer.
 */

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

/** `execution` is relayed verbatim (the execution issue defines the rest). */
export interface ExecutionEvent {
  run_id: string;
  type: 'started' | 'output' | 'finished';
  by?: string;
  [key: string]: unknown;
}

/** The interviewer changed the session through the REST API. */
export interface SessionUpdated {
  title: string;
  expires_at: string;
  has_password: boolean;
}

/** Events the server sends, with their listener signatures. */
export interface ServerToClientEvents {
  code_change: (update: Binary) => void;
  cursor_move: (update: Binary) => void;
  user_joined: (user: User) => void;
  user_left: (payload: UserLeft) => void;
  language_change: (payload: LanguageChangeIn) => void;
  session_updated: (payload: SessionUpdated) => void;
  execution: (payload: ExecutionEvent) => void;
  error: (error: WireError) => void;
}

/** Events the client sends, with their argument lists. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (response: JoinAck) => void) => void;
  code_change: (update: Uint8Array, ack: (response: Ack) => void) => void;
  cursor_move: (update: Uint8Array) => void;
  language_change: (payload: { language: string }, ack: (response: Ack) => void) => void;
  leave: () => void;
}

export const toBytes = (data: Binary): Uint8Array =>
  data instanceof Uint8Array ? data : new Uint8Array(data);
