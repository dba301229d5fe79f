/** REST types: the shapes of docs/API.md. */

export interface Language {
  id: string;
  name: string;
  /** Monaco language id used for syntax highlighting. */
  monaco: string;
  extension: string;
  /** True only when the in-browser runner can execute this language in this build. */
  runnable: boolean;
  /** Gzip bytes of the runtime's first download (0 or absent when unknown). */
  runtime_bytes?: number;
}

/** GET /api/config: what the operator turned on. */
export interface AppConfig {
  /** Origin (with trailing slash) of the code runner; null = execution disabled. */
  runner_url: string | null;
}

/**
 * Per-session settings of code runs (interviewer only). Flags replace the
 * runtime's defaults when present; `sql_setup` runs before the candidate's SQL.
 */
export interface RunSettings {
  /** One line, at most RUN_SETTINGS_LIMITS.flagsChars characters. */
  c_flags?: string;
  cpp_flags?: string;
  /** At most RUN_SETTINGS_LIMITS.sqlSetupBytes of UTF-8. */
  sql_setup?: string;
}

/** What the server accepts in `run_settings` (docs/API.md). */
export const RUN_SETTINGS_LIMITS = {
  flagsChars: 500,
  sqlSetupBytes: 32 * 1024,
} as const;

export interface SessionInfo {
  id: string;
  title: string;
  language: string;
  code: string;
  created_at: string;
  expires_at: string;
  has_password: boolean;
  is_active: boolean;
  /** Time limit of one run (1…300 s); absent from older servers (then 10). */
  run_timeout_seconds?: number;
  /** Absent from older servers (then `{}`). */
  run_settings?: RunSettings;
}

export interface CreatedSession extends SessionInfo {
  /** Shown only once, in the creation response. */
  interviewer_token: string;
  join_url: string;
  interviewer_url: string;
}

export interface CreateSessionRequest {
  title?: string;
  language?: string;
  password?: string;
  ttl_seconds?: number;
}

export interface UpdateSessionRequest {
  title?: string;
  language?: string;
  /** null removes the password. */
  password?: string | null;
  ttl_seconds?: number;
  is_active?: boolean;
  run_timeout_seconds?: number;
  /** Replaces the whole object. */
  run_settings?: RunSettings;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** REST error codes the UI reacts to (docs/API.md "Errors"). */
export const API_ERROR = {
  passwordRequired: 'password_required',
  invalidPassword: 'invalid_password',
  tokenRequired: 'token_required',
  invalidToken: 'invalid_token',
  sessionNotFound: 'session_not_found',
  sessionExpired: 'session_expired',
  rateLimited: 'rate_limited',
  invalidField: 'invalid_field',
  network: 'network_error',
} as const;
