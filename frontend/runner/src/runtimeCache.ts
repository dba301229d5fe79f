/**
 * Downloads a big runtime (the C/C++ compiler) once: its files live under a
 * versioned path on the runner origin and are kept in Cache Storage as well
 * as the HTTP cache, so that a later visit downloads nothing even when the
 * HTTP cache was cleared or evicted the large files. Progress is counted in
 * decoded bytes against totals from the build (Content-Length is useless
 * under Content-Encoding).
 *
 * Cache Storage is shared with every program the runner origin runs (a JS
 * worker, Python's `js.caches`, …), so a stored file is only used when its
 * SHA-256 matches the one the build computed: a mismatching entry is deleted
 * and downloaded again, and a download that does not match is an error.
 */

export interface RuntimeFile {
  name: string;
  /** Decoded size in bytes (from the build manifest). */
  bytes: number;
  /** Hex SHA-256 of the decoded bytes (from the build manifest). */
  sha256: string;
}

export interface RuntimeCacheDeps {
  fetch: typeof fetch;
  /** Cache Storage, or null where it is unavailable (insecure context). */
  caches: CacheStorage | null;
  now(): number;
}

export const RUNTIME_CACHE_NAME = 'pairpad-runtimes';
const PROGRESS_INTERVAL_MS = 100;

/** Hex SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function integrityError(name: string): Error {
  return new Error(`${name}: runtime file failed its integrity check`);
}

export class RuntimeCache {
  private cache: Promise<Cache | null> | null = null;
  /** URL → the build's entry for it (every file given to prefetch). */
  private readonly files = new Map<string, RuntimeFile>();
  /** Responses prefetch verified, handed out once by response() (no second read, no second hash). */
  private readonly verified = new Map<string, Response>();

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
   * The stored copy of `file` when it matches the build's hash (an unread
   * twin of the bytes hashed, so nothing written to the cache meanwhile can
   * slip in), else null after deleting a mismatching entry.
   */
  private async storedCopy(cache: Cache | null, url: string, file: RuntimeFile): Promise<Response | null> {
    if (!cache) return null;
    let hit: Response | undefined;
    try {
      hit = await cache.match(url);
    } catch {
      return null;
    }
    if (!hit) return null;
    const twin = hit.clone();
    try {
      if ((await sha256(new Uint8Array(await hit.arrayBuffer()))) === file.sha256) return twin;
    } catch {
      // An unreadable entry is treated like a tampered one.
    }
    await cache.delete(url).catch(() => false);
    return null;
  }

  /** Downloads `file`, checks it against the build's hash and stores it; `onChunk` counts decoded bytes. */
  private async download(cache: Cache | null, url: string, file: RuntimeFile, onChunk: (n: number) => void): Promise<Response> {
    const res = await this.deps.fetch(url);
    if (!res.ok || !res.body) throw new Error(`${file.name}: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      onChunk(value.byteLength);
    }
    const body = new Uint8Array(size);
    chunks.reduce((at, c) => (body.set(c, at), at + c.byteLength), 0);
    chunks.length = 0;
    if ((await sha256(body)) !== file.sha256) throw integrityError(file.name);
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' };
    if (cache) {
      try {
        await cache.put(url, new Response(body, { headers }));
      } catch {
        // Quota exceeded or storage disabled: the HTTP cache still has it.
      }
    }
    return new Response(body, { headers });
  }

  /**
   * Makes sure every file is in Cache Storage with the build's hash (or,
   * without Cache Storage, downloaded and checked), reporting progress; files
   * already stored count as loaded once they are verified. The verified
   * copies are kept for response().
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
    for (const file of files) this.files.set(this.url(file.name), file);
    report(true);
    const cache = await this.open();
    await Promise.all(
      files.map(async (file) => {
        const url = this.url(file.name);
        let res = await this.storedCopy(cache, url, file);
        if (res) {
          loaded += file.bytes;
          report(false);
        } else {
          res = await this.download(cache, url, file, (n) => {
            loaded += n;
            report(false);
          });
        }
        this.verified.set(url, res);
      }),
    );
    loaded = total;
    report(true);
  }

  /**
   * A file of this runtime (one given to prefetch), checked against the
   * build's hash: the copy prefetch verified, else the stored one when it
   * matches, else a checked download.
   */
  async response(url: string): Promise<Response> {
    const held = this.verified.get(url);
    if (held) {
      this.verified.delete(url);
      return held;
    }
    const file = this.files.get(url);
    if (!file) throw new Error(`${url}: not a file of this runtime's build`);
    const cache = await this.open();
    return (await this.storedCopy(cache, url, file)) ?? this.download(cache, url, file, () => {});
  }

  /** True when `url` names a file of this runtime. */
  owns(url: string): boolean {
    return url.startsWith(this.baseUrl);
  }
}
