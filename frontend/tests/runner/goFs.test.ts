import { describe, expect, it } from 'vitest';
import { FsError, MemFs, O_APPEND, O_CREAT, O_EXCL, O_RDWR, O_TRUNC, O_WRONLY, resolvePath, StdinReader, type Stats } from '../../runner/src/goFs';

/** Calls a Node-style fs method and returns [error, result] (the shim calls back synchronously). */
function call<T>(fn: (cb: (err: FsError | null, result?: T) => void) => void): [FsError | null, T | undefined] {
  let out: [FsError | null, T | undefined] | null = null;
  fn((err, result) => {
    out = [err, result];
  });
  if (!out) throw new Error('callback not called synchronously');
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

function newFs(stdin: string[] = []) {
  const written: [number, string][] = [];
  const reader = new StdinReader(() => stdin.shift() ?? null);
  const fs = new MemFs({ write: (fd, b) => written.push([fd, text(b)!]), readStdin: (max) => reader.read(max) }, () => 1000);
  return { fs, written };
}

function open(fs: MemFs, path: string, flags: number): number {
  const [err, fd] = call<number>((cb) => fs.open(path, flags, 0o644, cb));
  if (err) throw err;
  return fd!;
}

describe('resolvePath', () => {
  it.each([
    ['/work', 'main.go', '/work/main.go'],
    ['/work', './main.go', '/work/main.go'],
    ['/work', '../go/pkg/fmt.a', '/go/pkg/fmt.a'],
    ['/work', '/abs//x/./y', '/abs/x/y'],
    ['/', '..', '/'],
  ])('%s + %s = %s', (cwd, path, want) => {
    expect(resolvePath(cwd, path)).toBe(want);
  });
});

describe('MemFs', () => {
  it('creates, writes and reads back a file through descriptors', () => {
    const { fs } = newFs();
    fs.mkdirAll('/work');
    const fd = open(fs, '/work/out.txt', O_WRONLY | O_CREAT | O_TRUNC);
    expect(call((cb) => fs.write(fd, bytes('xxhello'), 2, 5, null, cb))).toEqual([null, 5]);
    expect(call((cb) => fs.close(fd, cb))[0]).toBeNull();
    expect(text(fs.readFile('/work/out.txt'))).toBe('hello');
    const rd = open(fs, '/work/out.txt', 0);
    const buf = new Uint8Array(3);
    expect(call((cb) => fs.read(rd, buf, 0, 3, null, cb))).toEqual([null, 3]);
    expect(text(buf)).toBe('hel');
    expect(call((cb) => fs.read(rd, buf, 0, 3, null, cb))).toEqual([null, 2]);
    expect(call((cb) => fs.read(rd, buf, 0, 3, null, cb))).toEqual([null, 0]);
  });

  it('reads and writes at an explicit position without moving the file offset', () => {
    const { fs } = newFs();
    fs.writeFile('/f', 'abcdef');
    const fd = open(fs, '/f', O_RDWR);
    call((cb) => fs.write(fd, bytes('XY'), 0, 2, 2, cb));
    const buf = new Uint8Array(6);
    expect(call((cb) => fs.read(fd, buf, 0, 6, null, cb))).toEqual([null, 6]);
    expect(text(buf)).toBe('abXYef');
  });

  it('fills a gap left by a write past the end with zeros', () => {
    const { fs } = newFs();
    const fd = open(fs, '/f', O_WRONLY | O_CREAT);
    call((cb) => fs.write(fd, bytes('z'), 0, 1, 4, cb));
    expect([...fs.readFile('/f')!]).toEqual([0, 0, 0, 0, 0x7a]);
  });

  it('appends with O_APPEND', () => {
    const { fs } = newFs();
    fs.writeFile('/log', 'a');
    const fd = open(fs, '/log', O_WRONLY | O_APPEND);
    call((cb) => fs.write(fd, bytes('b'), 0, 1, null, cb));
    expect(text(fs.readFile('/log'))).toBe('ab');
  });

  it('copies shared bytes before writing to them', () => {
    const { fs } = newFs();
    const shared = bytes('archive');
    fs.writeFile('/go/pkg/fmt.a', shared, true);
    const fd = open(fs, '/go/pkg/fmt.a', O_WRONLY);
    call((cb) => fs.write(fd, bytes('X'), 0, 1, 0, cb));
    expect(text(fs.readFile('/go/pkg/fmt.a'))).toBe('Xrchive');
    expect(text(shared)).toBe('archive');
  });

  it.each<[string, string, number, string]>([
    ['a missing file without O_CREAT', '/work/missing', O_WRONLY, 'ENOENT'],
    ['a file in a missing directory', '/nope/x', O_WRONLY | O_CREAT, 'ENOENT'],
    ['an existing file with O_EXCL', '/work/exists', O_WRONLY | O_CREAT | O_EXCL, 'EEXIST'],
    ['a directory for writing', '/work', O_WRONLY, 'EISDIR'],
  ])('refuses to open %s', (_what, path, flags, code) => {
    const { fs } = newFs();
    fs.writeFile('/work/exists', 'x');
    expect(call((cb) => fs.open(path, flags, 0o644, cb))[0]?.code).toBe(code);
  });

  it('stats files and directories the way Go reads them', () => {
    const { fs } = newFs();
    fs.writeFile('/work/main.go', 'package main\n');
    const [, file] = call<Stats>((cb) => fs.stat('/work/main.go', cb));
    expect(file!.size).toBe(13);
    expect(file!.mode & 0o170000).toBe(0o100000);
    expect(file!.isDirectory()).toBe(false);
    const [, dir] = call<Stats>((cb) => fs.stat('/work', cb));
    expect(dir!.isDirectory()).toBe(true);
    expect(call((cb) => fs.stat('/missing', cb))[0]?.code).toBe('ENOENT');
  });

  it('lists, renames and removes entries', () => {
    const { fs } = newFs();
    fs.writeFile('/d/b', '');
    fs.writeFile('/d/a', '');
    fs.writeFile('/d/sub/c', '');
    expect(call((cb) => fs.readdir('/d', cb))[1]).toEqual(['a', 'b', 'sub']);
    expect(call((cb) => fs.rmdir('/d/sub', cb))[0]?.code).toBe('ENOTEMPTY');
    call((cb) => fs.rename('/d/sub', '/d/moved', cb));
    expect(text(fs.readFile('/d/moved/c'))).toBe('');
    call((cb) => fs.unlink('/d/moved/c', cb));
    expect(call((cb) => fs.rmdir('/d/moved', cb))[0]).toBeNull();
    expect(call((cb) => fs.readdir('/d', cb))[1]).toEqual(['a', 'b']);
  });

  it('resolves relative paths against the working directory and lets Go change it', () => {
    const { fs } = newFs();
    fs.mkdirAll('/work/sub');
    const proc = fs.process() as { cwd(): string; chdir(p: string): void };
    proc.chdir('/work');
    fs.writeFile('main.go', 'x');
    expect(fs.readFile('/work/main.go')).not.toBeNull();
    proc.chdir('sub');
    expect(proc.cwd()).toBe('/work/sub');
    expect(() => proc.chdir('/missing')).toThrow(FsError);
  });

  it('sends fd 1 and 2 to the output hook, sync and async', () => {
    const { fs, written } = newFs();
    expect(fs.writeSync(2, bytes('panic: '))).toBe(7);
    call((cb) => fs.write(1, bytes('hi\n'), 0, 3, null, cb));
    expect(written).toEqual([
      [2, 'panic: '],
      [1, 'hi\n'],
    ]);
  });

  it('reads stdin through the hook, a line at a time, in reads of any size', () => {
    const { fs } = newFs(['12 30\n', 'x\n']);
    const buf = new Uint8Array(4);
    expect(call((cb) => fs.read(0, buf, 0, 4, null, cb))).toEqual([null, 4]);
    expect(text(buf)).toBe('12 3');
    expect(call((cb) => fs.read(0, buf, 0, 4, null, cb))).toEqual([null, 2]);
    expect(text(buf.subarray(0, 2))).toBe('0\n');
    expect(call((cb) => fs.read(0, buf, 0, 4, null, cb))).toEqual([null, 2]);
    expect(call((cb) => fs.read(0, buf, 0, 4, null, cb))).toEqual([null, 0]);
  });

  it('reports a bad descriptor', () => {
    const { fs } = newFs();
    expect(call((cb) => fs.read(42, new Uint8Array(1), 0, 1, null, cb))[0]?.code).toBe('EBADF');
    expect(call((cb) => fs.close(42, cb))[0]?.code).toBe('EBADF');
  });
});

describe('StdinReader', () => {
  it('asks for a new line only when the last one is used up, and stays at end of input', () => {
    const lines = ['ab\n', null, 'never\n'];
    let asked = 0;
    const r = new StdinReader(() => {
      asked++;
      return lines.shift() ?? null;
    });
    expect(text(r.read(1))).toBe('a');
    expect(text(r.read(10))).toBe('b\n');
    expect(asked).toBe(1);
    expect(r.read(10).length).toBe(0);
    expect(r.read(10).length).toBe(0);
    expect(asked).toBe(2);
  });
});
