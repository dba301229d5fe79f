/**
 * The file system a Go program compiled for js/wasm sees: wasm_exec.js and
 * Go's syscall package call `globalThis.fs` with Node's callback API
 * (`open(path, flags, mode, cb)`, `read(fd, buf, off, len, pos, cb)`, …) and
 * `globalThis.process` for the working directory. This is a small in-memory
 * implementation of exactly that surface: the compiler, the linker and the
 * user's program each run against one. Every callback is called before the
 * method returns, which Go's `fsCall` allows, so that a read of stdin can
 * block (Atomics.wait) inside it.
 */

/** Node's open flags (Linux values; Go maps its own O_* to these through `fs.constants`). */
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

/** An error Go's syscall package maps to an errno through its `code`. */
export class FsError extends Error {
  constructor(readonly code: string, path?: string) {
    super(path === undefined ? code : `${code}: ${path}`);
  }
}

export type Callback<T = unknown> = (err: FsError | null, result?: T) => void;

/** Where the program's standard streams go. */
export interface StdioHooks {
  /** Bytes written to fd 1 or 2 (the view is only valid during the call). */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** At most `max` bytes for a read of fd 0; empty = end of input. May block. */
  readStdin(max: number): Uint8Array;
}

interface Node {
  dir: boolean;
  /** File bytes; capacity may exceed `size`. */
  data: Uint8Array;
  size: number;
  /** The bytes are shared with other file systems (a package archive): copy before writing. */
  shared: boolean;
  mode: number;
  ino: number;
  mtimeMs: number;
}

interface OpenFile {
  node: Node;
  pos: number;
  append: boolean;
}

export interface Stats {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  isDirectory(): boolean;
}

/** `/`-separated absolute path of `path` seen from `cwd`, without `.`, `..` or empty parts. */
export function resolvePath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of `${path.startsWith('/') ? '' : cwd}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export class MemFs {
  /** Node's constants object, read by Go's syscall package at init. */
  readonly constants = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL, O_DIRECTORY };
  private readonly nodes = new Map<string, Node>();
  private readonly fds = new Map<number, OpenFile>();
  private nextFd = 3;
  private nextIno = 1;
  cwd = '/';

  constructor(
    private readonly stdio: StdioHooks,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.nodes.set('/', this.newNode(true));
  }

  private newNode(dir: boolean, data: Uint8Array = new Uint8Array(0), shared = false): Node {
    return { dir, data, size: data.length, shared, mode: dir ? 0o755 : 0o644, ino: this.nextIno++, mtimeMs: this.now() };
  }

  // ---- setup (called by the worker, not by Go) ------------------------------

  /** Creates `path` and its missing parents as directories. */
  mkdirAll(path: string): void {
    const abs = resolvePath(this.cwd, path);
    if (abs === '/') return;
    this.mkdirAll(parentOf(abs));
    if (!this.nodes.has(abs)) this.nodes.set(abs, this.newNode(true));
  }

  /** Puts a file (creating its directories); `shared` bytes are never written in place. */
  writeFile(path: string, data: Uint8Array | string, shared = false): void {
    const abs = resolvePath(this.cwd, path);
    this.mkdirAll(parentOf(abs));
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.nodes.set(abs, this.newNode(false, bytes, shared));
  }

  /** The contents of a file, or null when there is none. */
  readFile(path: string): Uint8Array | null {
    const node = this.nodes.get(resolvePath(this.cwd, path));
    return node && !node.dir ? node.data.subarray(0, node.size) : null;
  }

  /** `globalThis.process` as Go's syscall package uses it. */
  process(): Record<string, unknown> {
    return {
      getuid: () => -1,
      getgid: () => -1,
      geteuid: () => -1,
      getegid: () => -1,
      getgroups: () => [],
      pid: 1,
      ppid: 0,
      umask: () => 0o022,
      cwd: () => this.cwd,
      chdir: (path: string) => {
        const abs = resolvePath(this.cwd, path);
        const node = this.nodes.get(abs);
        if (!node) throw new FsError('ENOENT', path);
        if (!node.dir) throw new FsError('ENOTDIR', path);
        this.cwd = abs;
      },
    };
  }

  // ---- Node's fs API ---------------------------------------------------------

  private lookup(path: string): Node {
    const node = this.nodes.get(resolvePath(this.cwd, path));
    if (!node) throw new FsError('ENOENT', path);
    return node;
  }

  private file(fd: number): OpenFile {
    const f = this.fds.get(fd);
    if (!f) throw new FsError('EBADF');
    return f;
  }

  private stats(node: Node | null): Stats {
    const dir = node?.dir ?? false;
    const mode = node ? (dir ? S_IFDIR : S_IFREG) | node.mode : S_IFCHR | 0o620;
    const size = node && !dir ? node.size : 0;
    const t = node?.mtimeMs ?? this.now();
    return {
      dev: 1,
      ino: node?.ino ?? 0,
      mode,
      nlink: 1,
      uid: 0,
      gid: 0,
      rdev: 0,
      size,
      blksize: 4096,
      blocks: Math.ceil(size / 512),
      atimeMs: t,
      mtimeMs: t,
      ctimeMs: t,
      isDirectory: () => dir,
    };
  }

  /** Makes room for `end` bytes, copying shared or too small buffers. */
  private reserve(node: Node, end: number): void {
    if (!node.shared && end <= node.data.length) return;
    const grown = new Uint8Array(Math.max(end, node.shared ? node.size : node.data.length * 2, 256));
    grown.set(node.data.subarray(0, node.size));
    node.data = grown;
    node.shared = false;
  }

  private writeAt(node: Node, bytes: Uint8Array, pos: number): void {
    this.reserve(node, pos + bytes.length);
    // A write past the end leaves zeros in between (fresh buffer memory).
    if (pos > node.size) node.data.fill(0, node.size, pos);
    node.data.set(bytes, pos);
    node.size = Math.max(node.size, pos + bytes.length);
    node.mtimeMs = this.now();
  }

  private truncateNode(node: Node, length: number): void {
    if (node.dir) throw new FsError('EISDIR');
    if (length > node.size) this.writeAt(node, new Uint8Array(length - node.size), node.size);
    else node.size = length;
  }

  /** Runs `fn` and reports its result or FsError to the callback (synchronously). */
  private call<T>(cb: Callback<T>, fn: () => T): void {
    let result: T;
    try {
      result = fn();
    } catch (err) {
      if (err instanceof FsError) {
        cb(err);
        return;
      }
      throw err;
    }
    cb(null, result);
  }

  open(path: string, flags: number, mode: number, cb: Callback<number>): void {
    this.call(cb, () => {
      const abs = resolvePath(this.cwd, path);
      let node = this.nodes.get(abs);
      const writing = (flags & (O_WRONLY | O_RDWR)) !== 0;
      if (node) {
        if ((flags & O_CREAT) && (flags & O_EXCL)) throw new FsError('EEXIST', path);
        if (node.dir && writing) throw new FsError('EISDIR', path);
        if ((flags & O_DIRECTORY) && !node.dir) throw new FsError('ENOTDIR', path);
        if ((flags & O_TRUNC) && writing) this.truncateNode(node, 0);
      } else {
        if (!(flags & O_CREAT)) throw new FsError('ENOENT', path);
        const parent = this.nodes.get(parentOf(abs));
        if (!parent) throw new FsError('ENOENT', path);
        if (!parent.dir) throw new FsError('ENOTDIR', path);
        node = this.newNode(false);
        node.mode = mode & 0o777;
        this.nodes.set(abs, node);
      }
      const fd = this.nextFd++;
      this.fds.set(fd, { node, pos: 0, append: (flags & O_APPEND) !== 0 });
      return fd;
    });
  }

  close(fd: number, cb: Callback): void {
    this.call(cb, () => {
      if (fd > 2 && !this.fds.delete(fd)) throw new FsError('EBADF');
    });
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null, cb: Callback<number>): void {
    this.call(cb, () => {
      if (fd === 0) {
        const bytes = this.stdio.readStdin(length);
        buffer.set(bytes.subarray(0, length), offset);
        return Math.min(bytes.length, length);
      }
      const f = this.file(fd);
      if (f.node.dir) throw new FsError('EISDIR');
      const pos = position ?? f.pos;
      const n = Math.max(0, Math.min(length, f.node.size - pos));
      buffer.set(f.node.data.subarray(pos, pos + n), offset);
      if (position === null) f.pos += n;
      return n;
    });
  }

  writeSync(fd: number, buffer: Uint8Array): number {
    return this.writeBytes(fd, buffer, null);
  }

  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null, cb: Callback<number>): void {
    this.call(cb, () => this.writeBytes(fd, buffer.subarray(offset, offset + length), position));
  }

  private writeBytes(fd: number, bytes: Uint8Array, position: number | null): number {
    if (fd === 1 || fd === 2) {
      this.stdio.write(fd, bytes);
      return bytes.length;
    }
    const f = this.file(fd);
    if (f.node.dir) throw new FsError('EISDIR');
    const pos = position ?? (f.append ? f.node.size : f.pos);
    this.writeAt(f.node, bytes, pos);
    if (position === null) f.pos = pos + bytes.length;
    return bytes.length;
  }

  fstat(fd: number, cb: Callback<Stats>): void {
    this.call(cb, () => this.stats(fd <= 2 && !this.fds.has(fd) ? null : this.file(fd).node));
  }

  stat(path: string, cb: Callback<Stats>): void {
    this.call(cb, () => this.stats(this.lookup(path)));
  }

  lstat(path: string, cb: Callback<Stats>): void {
    this.stat(path, cb);
  }

  mkdir(path: string, _perm: number, cb: Callback): void {
    this.call(cb, () => {
      const abs = resolvePath(this.cwd, path);
      if (this.nodes.has(abs)) throw new FsError('EEXIST', path);
      const parent = this.nodes.get(parentOf(abs));
      if (!parent) throw new FsError('ENOENT', path);
      if (!parent.dir) throw new FsError('ENOTDIR', path);
      this.nodes.set(abs, this.newNode(true));
    });
  }

  private children(abs: string): string[] {
    const prefix = abs === '/' ? '/' : `${abs}/`;
    const names: string[] = [];
    for (const p of this.nodes.keys()) {
      if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.push(p.slice(prefix.length));
    }
    return names.sort();
  }

  readdir(path: string, cb: Callback<string[]>): void {
    this.call(cb, () => {
      const abs = resolvePath(this.cwd, path);
      if (!this.lookup(abs).dir) throw new FsError('ENOTDIR', path);
      return this.children(abs);
    });
  }

  unlink(path: string, cb: Callback): void {
    this.call(cb, () => {
      const abs = resolvePath(this.cwd, path);
      if (this.lookup(abs).dir) throw new FsError('EISDIR', path);
      this.nodes.delete(abs);
    });
  }

  rmdir(path: string, cb: Callback): void {
    this.call(cb, () => {
      const abs = resolvePath(this.cwd, path);
      if (!this.lookup(abs).dir) throw new FsError('ENOTDIR', path);
      if (abs === '/') throw new FsError('EBUSY', path);
      if (this.children(abs).length > 0) throw new FsError('ENOTEMPTY', path);
      this.nodes.delete(abs);
    });
  }

  rename(from: string, to: string, cb: Callback): void {
    this.call(cb, () => {
      const src = resolvePath(this.cwd, from);
      const dst = resolvePath(this.cwd, to);
      const node = this.lookup(src);
      if (!this.nodes.get(parentOf(dst))?.dir) throw new FsError('ENOENT', to);
      if (src === dst) return;
      if (node.dir && (dst.startsWith(`${src}/`) || this.nodes.has(dst))) throw new FsError('EINVAL', to);
      const moved = [...this.nodes].filter(([p]) => p === src || p.startsWith(`${src}/`));
      for (const [p] of moved) this.nodes.delete(p);
      for (const [p, n] of moved) this.nodes.set(dst + p.slice(src.length), n);
    });
  }

  ftruncate(fd: number, length: number, cb: Callback): void {
    this.call(cb, () => this.truncateNode(this.file(fd).node, length));
  }

  truncate(path: string, length: number, cb: Callback): void {
    this.call(cb, () => this.truncateNode(this.lookup(path), length));
  }

  fsync(_fd: number, cb: Callback): void {
    cb(null);
  }

  chmod(path: string, mode: number, cb: Callback): void {
    this.call(cb, () => {
      this.lookup(path).mode = mode & 0o7777;
    });
  }

  fchmod(fd: number, mode: number, cb: Callback): void {
    this.call(cb, () => {
      this.file(fd).node.mode = mode & 0o7777;
    });
  }

  utimes(path: string, _atime: number, mtime: number, cb: Callback): void {
    this.call(cb, () => {
      this.lookup(path).mtimeMs = mtime * 1000;
    });
  }

  chown(_path: string, _uid: number, _gid: number, cb: Callback): void {
    cb(null);
  }

  fchown(_fd: number, _uid: number, _gid: number, cb: Callback): void {
    cb(null);
  }

  lchown(_path: string, _uid: number, _gid: number, cb: Callback): void {
    cb(null);
  }

  readlink(path: string, cb: Callback): void {
    this.call(cb, () => {
      this.lookup(path);
      throw new FsError('EINVAL', path);
    });
  }

  link(_path: string, _link: string, cb: Callback): void {
    cb(new FsError('ENOSYS'));
  }

  symlink(_path: string, _link: string, cb: Callback): void {
    cb(new FsError('ENOSYS'));
  }
}

/**
 * Hands stdin to reads of any size: pulls one line at a time from
 * `nextLine` (which may block) and keeps what a short read left over.
 * `nextLine` returning null is end of input, for good.
 */
export class StdinReader {
  private pending = new Uint8Array(0);
  private eof = false;

  constructor(private readonly nextLine: () => string | null) {}

  read(max: number): Uint8Array {
    if (this.pending.length === 0 && !this.eof) {
      const line = this.nextLine();
      if (line === null) this.eof = true;
      else this.pending = new TextEncoder().encode(line);
    }
    const out = this.pending.subarray(0, max);
    this.pending = this.pending.subarray(out.length);
    return out;
  }
}
