import { describe, expect, it } from 'vitest';
import { RuntimeCache, RUNTIME_CACHE_NAME } from '../../runner/src/runtimeCache';

/** An in-memory CacheStorage with just what RuntimeCache uses. */
function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, Response>();
    stores.set(name, store);
    return {
      match: async (url: string) => store.get(url)?.clone(),
      put: async (url: string, res: Response) => void store.set(url, new Response(await res.arrayBuffer(), { headers: res.headers })),
      keys: async () => [...store.keys()].map((url) => ({ url }) as Request),
      delete: async (req: Request) => store.delete(req.url),
    };
  };
  return { stores, caches: { open } as unknown as CacheStorage };
}

const BASE = 'https://runner.test/clang/2.0/';
const FAMILY = 'https://runner.test/clang/';
const FILES = [
  { name: 'a.wasm', bytes: 3 },
  { name: 'b.tar', bytes: 5 },
];

function network() {
  const requests: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url);
    const size = url.endsWith('a.wasm') ? 3 : 5;
    return new Response(new Uint8Array(size), { headers: { 'content-type': 'application/wasm' } });
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

describe('runtime cache', () => {
  it('downloads each file once with progress up to the build total', async () => {
    const { caches } = fakeCaches();
    const net = network();
    const progress: [number, number][] = [];
    await new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches, now: () => 0 }).prefetch(FILES, (l, t) => progress.push([l, t]));
    expect(net.requests.sort()).toEqual([`${BASE}a.wasm`, `${BASE}b.tar`]);
    expect(progress[0]).toEqual([0, 8]);
    expect(progress.at(-1)).toEqual([8, 8]);
  });

  it('a second visit downloads nothing: the files come from Cache Storage', async () => {
    const { caches } = fakeCaches();
    await new RuntimeCache(BASE, FAMILY, { fetch: network().fetch, caches, now: () => 0 }).prefetch(FILES, () => {});
    const net = network();
    const again = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches, now: () => 0 });
    await again.prefetch(FILES, () => {});
    const res = await again.response(`${BASE}a.wasm`);
    expect(net.requests).toEqual([]);
    expect((await res.arrayBuffer()).byteLength).toBe(3);
    expect(res.headers.get('content-type')).toBe('application/wasm');
  });

  it('deletes other versions of the runtime from the cache', async () => {
    const { caches, stores } = fakeCaches();
    await new RuntimeCache('https://runner.test/clang/1.0/', FAMILY, { fetch: network().fetch, caches, now: () => 0 }).prefetch(FILES, () => {});
    await new RuntimeCache(BASE, FAMILY, { fetch: network().fetch, caches, now: () => 0 }).prefetch(FILES, () => {});
    expect([...stores.get(RUNTIME_CACHE_NAME)!.keys()].sort()).toEqual([`${BASE}a.wasm`, `${BASE}b.tar`]);
  });

  it('works without Cache Storage (the HTTP cache serves the second fetch)', async () => {
    const net = network();
    const rc = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches: null, now: () => 0 });
    await rc.prefetch(FILES, () => {});
    await rc.response(`${BASE}b.tar`);
    expect(net.requests).toHaveLength(3);
    expect(rc.owns(`${BASE}b.tar`)).toBe(true);
    expect(rc.owns('https://runner.test/assets/x.js')).toBe(false);
  });
});
