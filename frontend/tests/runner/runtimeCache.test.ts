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
/** What the server has (and the build hashed). */
const CONTENT: Record<string, Uint8Array<ArrayBuffer>> = {
  'a.wasm': new Uint8Array([0, 0x61, 0x73]),
  'b.tar': new Uint8Array([1, 2, 3, 4, 5]),
};
/** The build's manifest (`sha256sum` of the bytes above). */
const FILES = [
  { name: 'a.wasm', bytes: 3, sha256: 'a0822504b0dc4f0a17b191b79e5057fabcdfb60f3cc3188f13e7bcdcd2f41fb5' },
  { name: 'b.tar', bytes: 5, sha256: '74f81fe167d99b4cb41d6d0ccda82278caee9f3e2f25d5e5a3936ff3dcec60d0' },
];

/** The server; `serve` overrides what it sends for a file name. */
function network(serve: Record<string, Uint8Array<ArrayBuffer>> = {}) {
  const requests: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url);
    const name = url.slice(url.lastIndexOf('/') + 1);
    return new Response(serve[name] ?? CONTENT[name]!, { headers: { 'content-type': 'application/wasm' } });
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

const bytesOf = async (res: Response): Promise<number[]> => [...new Uint8Array(await res.arrayBuffer())];

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

  it('works without Cache Storage (downloads are checked and handed out)', async () => {
    const net = network();
    const rc = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches: null, now: () => 0 });
    await rc.prefetch(FILES, () => {});
    expect(await bytesOf(await rc.response(`${BASE}b.tar`))).toEqual([1, 2, 3, 4, 5]);
    expect(net.requests).toHaveLength(2);
    // Handed out once; the toolchain asking again gets a checked download (from the HTTP cache).
    await rc.response(`${BASE}b.tar`);
    expect(net.requests).toHaveLength(3);
    expect(rc.owns(`${BASE}b.tar`)).toBe(true);
    expect(rc.owns('https://runner.test/assets/x.js')).toBe(false);
  });

  it('a matching stored file is used without a download, on this visit and the next', async () => {
    const { caches } = fakeCaches();
    await new RuntimeCache(BASE, FAMILY, { fetch: network().fetch, caches, now: () => 0 }).prefetch(FILES, () => {});
    const net = network();
    const again = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches, now: () => 0 });
    const progress: [number, number][] = [];
    await again.prefetch(FILES, (l, t) => progress.push([l, t]));
    expect(await bytesOf(await again.response(`${BASE}b.tar`))).toEqual([1, 2, 3, 4, 5]);
    // Not held any more: read from Cache Storage again, checked again.
    expect(await bytesOf(await again.response(`${BASE}b.tar`))).toEqual([1, 2, 3, 4, 5]);
    expect(net.requests).toEqual([]);
    expect(progress.at(-1)).toEqual([8, 8]);
  });

  it('a tampered stored file is replaced by the network copy', async () => {
    const { caches, stores } = fakeCaches();
    await new RuntimeCache(BASE, FAMILY, { fetch: network().fetch, caches, now: () => 0 }).prefetch(FILES, () => {});
    const store = stores.get(RUNTIME_CACHE_NAME)!;
    // What a program run in the runner could do: plant another file under the runtime's URL.
    store.set(`${BASE}a.wasm`, new Response(new Uint8Array([9, 9, 9]), { headers: { 'content-type': 'application/wasm' } }));
    const net = network();
    const again = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches, now: () => 0 });
    const progress: [number, number][] = [];
    await again.prefetch(FILES, (l, t) => progress.push([l, t]));
    expect(net.requests).toEqual([`${BASE}a.wasm`]);
    expect(progress.at(-1)).toEqual([8, 8]);
    expect(await bytesOf(await again.response(`${BASE}a.wasm`))).toEqual([0, 0x61, 0x73]);
    expect(await bytesOf(store.get(`${BASE}a.wasm`)!.clone())).toEqual([0, 0x61, 0x73]);
  });

  it('a file tampered with after prefetch is not handed out (the toolchain fetching it again)', async () => {
    const { caches, stores } = fakeCaches();
    const rc = new RuntimeCache(BASE, FAMILY, { fetch: network().fetch, caches, now: () => 0 });
    await rc.prefetch(FILES, () => {});
    await rc.response(`${BASE}a.wasm`);
    stores.get(RUNTIME_CACHE_NAME)!.set(`${BASE}a.wasm`, new Response(new Uint8Array([9, 9, 9])));
    expect(await bytesOf(await rc.response(`${BASE}a.wasm`))).toEqual([0, 0x61, 0x73]);
    await expect(rc.response(`${BASE}other.wasm`)).rejects.toThrow(/not a file of this runtime/u);
  });

  it('a network copy that does not match the build is an error', async () => {
    const { caches, stores } = fakeCaches();
    const net = network({ 'b.tar': new Uint8Array([6, 6, 6, 6, 6]) });
    const rc = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches, now: () => 0 });
    await expect(rc.prefetch(FILES, () => {})).rejects.toThrow('b.tar: runtime file failed its integrity check');
    expect(stores.get(RUNTIME_CACHE_NAME)!.has(`${BASE}b.tar`)).toBe(false);
    const direct = new RuntimeCache(BASE, FAMILY, { fetch: net.fetch, caches: null, now: () => 0 });
    await expect(direct.prefetch(FILES, () => {})).rejects.toThrow(/integrity check/u);
  });
});
