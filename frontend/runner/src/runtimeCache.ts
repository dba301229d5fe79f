/**
 * Downloads a big runtime (the C/C++ compiler) once: its files live under a
 * versioned path on the runner origin and are kept in Cache Storage as well
 * as the HTTP cache, so that a later visit downloads nothing even when the
 * HTTP cache was cleared or evicted the large files. Progress is counted in
 * decoded bytes against totals from the build (Content-Length is useless
 * under Content-Encoding).
 */

export interface RuntimeFile {
  name: string;
  /** Decoded size in bytes (from the build manifest). */
  bytes: number;
}

export interface RuntimeCacheDeps {
  fetch: typeof fetch;
  /** Cache Storage, or null where it is unavailable (insecure context). */
  caches: CacheStorage | null;
  now(): number;
}

export const RUNTIME_CACHE_NAME = 'pairpad-runtimes';
const PROGRESS_INTERVAL_MS = 100;

export class RuntimeCache {
  private cache: Promise<Cache | null> | null = null;

  constructor(
    /** Absolute URL of the runtime directory, with trailing slash (e.g. …/clang/<version>/). */
    private readonly baseUrl: string,
    /** The runtime's directory family (e.g. …/clang/): older versions in it are deleted. */
    private readonly familyUrl: string,
    private readonly deps: RuntimeCacheDeps,
  ) {}

  private open(): Promise<Cache | null> {
    this.cache ??= (async () => {
      if (!this.deps.caches) return null;
      try {
        const cache = await this.deps.caches.open(RUNTIME_CACHE_NAME);
        for (const req of await cache.keys()) {
          if (req.url.startsWith(this.familyUrl) && !req.url.startsWith(this.baseUrl)) await cache.delete(req);
        }
        return cache;
      } catch {
        return null;
      }
    })();
    return this.cache;
  }

  url(name: string): string {
    return new URL(name, this.baseUrl).href;
  }

  /**
   * Makes sure every file is in Cache Storage (or, without it, in the HTTP
   * cache), reporting progress; files already stored count as loaded at once.
   */
  async prefetch(files: readonly RuntimeFile[], progress: (loaded: number, total: number) => void): Promise<void> {
    const total = files.reduce((n, f) => n + f.bytes, 0);
    let loaded = 0;
    let last = -Infinity;
    const report = (force: boolean): void => {
      const t = this.deps.now();
      if (!force && t - last < PROGRESS_INTERVAL_MS) return;
      last = t;
      progress(Math.min(loaded, total), total);
    };
    report(true);
    const cache = await this.open();
    await Promise.all(
      files.map(async (file) => {
        const url = this.url(file.name);
        if (cache && (await cache.match(url))) {
          loaded += file.bytes;
          report(false);
          return;
        }
        const res = await this.deps.fetch(url);
        if (!res.ok || !res.body) throw new Error(`${file.name}: HTTP ${res.status}`);
        const reader = res.body.getReader();
        const chunks: Uint8Array<ArrayBuffer>[] = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (cache) chunks.push(value);
          loaded += value.byteLength;
          report(false);
        }
        if (!cache) return;
        const type = res.headers.get('content-type') ?? 'application/octet-stream';
        try {
          const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
          chunks.reduce((at, c) => (body.set(c, at), at + c.byteLength), 0);
          chunks.length = 0;
          await cache.put(url, new Response(body, { headers: { 'content-type': type } }));
        } catch {
          // Quota exceeded or storage disabled: the HTTP cache still has it.
        }
      }),
    );
    loaded = total;
    report(true);
  }

  /** A stored file (from Cache Storage when it is there, else through the HTTP cache). */
  async response(url: string): Promise<Response> {
    const cache = await this.open();
    const hit = cache ? await cache.match(url) : undefined;
    return hit ?? this.deps.fetch(url);
  }

  /** True when `url` names a file of this runtime. */
  owns(url: string): boolean {
    return url.startsWith(this.baseUrl);
  }
}
