/** REST client for /api (docs/API.md). Same origin only. */
import {
  API_ERROR,
  type ApiErrorBody,
  type AppConfig,
  type CreateSessionRequest,
  type CreatedSession,
  type Language,
  type SessionInfo,
  type UpdateSessionRequest,
} from '../types/api';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, API_ERROR.network, 'Cannot reach the Pairpad server. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const retry = Number(response.headers.get('Retry-After'));
    if (isErrorBody(data)) {
      throw new ApiError(
        response.status,
        data.error.code,
        data.error.message,
        data.error.field,
        Number.isFinite(retry) && retry > 0 ? retry : undefined,
      );
    }
    throw new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}.`);
  }
  return data as T;
}

export interface SessionCredentials {
  password?: string;
  token?: string;
}

function credentialHeaders({ password, token }: SessionCredentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (password) headers['X-Session-Password'] = password;
  return headers;
}

let languagesPromise: Promise<Language[]> | null = null;
let configPromise: Promise<AppConfig> | null = null;

/** Keeps only the fields we understand; a server without /api/config runs no code. */
function parseConfig(data: unknown): AppConfig {
  const url = typeof data === 'object' && data !== null ? (data as { runner_url?: unknown }).runner_url : null;
  return { runner_url: typeof url === 'string' && url.length > 0 ? url : null };
}

export const api = {
  /** The languages of this server (cached for the page's lifetime). */
  languages(): Promise<Language[]> {
    if (!languagesPromise) {
      languagesPromise = request<Language[]>('GET', '/api/languages').catch((error: unknown) => {
        languagesPromise = null;
        throw error;
      });
    }
    return languagesPromise;
  },

  /** What the operator enabled (cached for the page's lifetime; an older server counts as "no runner"). */
  config(): Promise<AppConfig> {
    if (!configPromise) {
      configPromise = request<unknown>('GET', '/api/config').then(parseConfig, (error: unknown) => {
        configPromise = null;
        if (error instanceof ApiError && error.status === 404) return { runner_url: null };
        throw error;
      });
    }
    return configPromise;
  },

  createSession(body: CreateSessionRequest): Promise<CreatedSession> {
    return request<CreatedSession>('POST', '/api/sessions', { body });
  },

  getSession(id: string, credentials: SessionCredentials = {}, signal?: AbortSignal): Promise<SessionInfo> {
    return request<SessionInfo>('GET', `/api/sessions/${encodeURIComponent(id)}`, {
      headers: credentialHeaders(credentials),
      signal,
    });
  },

  updateSession(id: string, token: string, body: UpdateSessionRequest): Promise<SessionInfo> {
    return request<SessionInfo>('PATCH', `/api/sessions/${encodeURIComponent(id)}`, {
      headers: credentialHeaders({ token }),
      body,
    });
  },

  deleteSession(id: string, token: string): Promise<undefined> {
    return request<undefined>('DELETE', `/api/sessions/${encodeURIComponent(id)}`, {
      headers: credentialHeaders({ token }),
    });
  },
};

/** Resets the language cache (tests). */
export function resetApiCache(): void {
  languagesPromise = null;
  configPromise = null;
}
