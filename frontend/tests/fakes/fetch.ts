import { vi } from 'vitest';

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (init: RequestInit & { url: string }) => FakeResponse | Promise<FakeResponse>;

/** Replaces fetch with a table of `METHOD /path` routes; records the calls. */
export function mockFetch(routes: Record<string, Route | FakeResponse>) {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input.toString();
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, headers, body });
    const route = routes[`${method} ${url}`];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route' } }), { status: 404 });
    const res = typeof route === 'function' ? await route({ ...init, url }) : route;
    return new Response(res.status === 204 ? null : JSON.stringify(res.body ?? {}), {
      status: res.status,
      headers: { 'Content-Type': 'application/json', ...res.headers },
    });
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export const LANGUAGES = [
  { id: 'javascript', name: 'JavaScript', monaco: 'javascript', extension: 'js', runnable: true, runtime_bytes: 0 },
  { id: 'python', name: 'Python', monaco: 'python', extension: 'py', runnable: true, runtime_bytes: 6_300_000 },
  { id: 'go', name: 'Go', monaco: 'go', extension: 'go', runnable: false, runtime_bytes: 0 },
];

export const SESSION_ID = '3f2b8c1e-8a4d-4c6b-9e0f-1a2b3c4d5e6f';

export function sessionInfo(overrides: Record<string, unknown> = {}) {
  return {
    id: SESSION_ID,
    title: 'Two sum',
    language: 'python',
    code: '',
    created_at: '2026-11-27T03:00:00.000Z',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    has_password: false,
    is_active: true,
    ...overrides,
  };
}
