import { describe, expect, it, vi } from 'vitest';
import {
  createStdinBuffer,
  encodeClipped,
  readStdin,
  requestStdin,
  resetStdin,
  stdinEnded,
  stdinReady,
  STDIN_EOF,
  STDIN_IDLE,
  STDIN_READY,
  waitForStdin,
  writeStdin,
  writeStdinEof,
} from '../../runner/src/stdin';
import { STDIN_BUFFER_BYTES, STDIN_HEADER_BYTES, STDIN_MAX_BYTES } from '../../src/services/executor/protocol';

describe('stdin buffer', () => {
  it('has the size given by the protocol', () => {
    expect(createStdinBuffer().byteLength).toBe(STDIN_BUFFER_BYTES);
  });
  it('writes the state, the length and the UTF-8 bytes after the header', () => {
    const buf = createStdinBuffer();
    expect(writeStdin(buf, 'hé\n')).toBe(4);
    const header = new Int32Array(buf, 0, 2);
    expect([header[0], header[1]]).toEqual([STDIN_READY, 4]);
    expect([...new Uint8Array(buf, STDIN_HEADER_BYTES, 4)]).toEqual([0x68, 0xc3, 0xa9, 0x0a]);
  });
  it('reads back the line written', () => {
    const buf = createStdinBuffer();
    writeStdin(buf, 'Ada Lovelace\n');
    expect(readStdin(buf)).toBe('Ada Lovelace\n');
  });
  it('marks the buffer idle after reading', () => {
    const buf = createStdinBuffer();
    writeStdin(buf, 'x\n');
    readStdin(buf);
    expect(stdinReady(buf)).toBe(false);
    expect(new Int32Array(buf, 0, 2)[0]).toBe(STDIN_IDLE);
  });
  it('clips a line longer than STDIN_MAX_BYTES', () => {
    const buf = createStdinBuffer();
    expect(writeStdin(buf, 'a'.repeat(STDIN_MAX_BYTES + 10))).toBe(STDIN_MAX_BYTES);
  });
  it('clips at a character boundary', () => {
    expect([...encodeClipped('aé', 2)]).toEqual([0x61]);
  });
  it('returns a waiting line without blocking', () => {
    const buf = createStdinBuffer();
    writeStdin(buf, 'ready\n');
    expect(waitForStdin(buf)).toBe('ready\n');
  });
  it('polls while waiting and stops when the poll throws', () => {
    const buf = createStdinBuffer();
    let polls = 0;
    const poll = (): void => {
      polls++;
      if (polls === 2) throw new Error('interrupted');
    };
    expect(() => waitForStdin(buf, poll, 1)).toThrow('interrupted');
    expect(polls).toBe(2);
  });
});

describe('stdin end of input', () => {
  it('is a state of its own with no bytes', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    const header = new Int32Array(buf, 0, 2);
    expect([header[0], header[1]]).toEqual([STDIN_EOF, 0]);
    expect(stdinReady(buf)).toBe(false);
    expect(stdinEnded(buf)).toBe(true);
  });
  it('reads as null', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    expect(readStdin(buf)).toBeNull();
  });
  it('wakes a waiting reader with null', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    expect(waitForStdin(buf)).toBeNull();
  });
  it('stays for every later read of the run', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    expect([readStdin(buf), readStdin(buf), waitForStdin(buf)]).toEqual([null, null, null]);
    expect(stdinEnded(buf)).toBe(true);
  });
  it('is forgotten when the page resets the buffer for the next run', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    resetStdin(buf);
    expect(stdinEnded(buf)).toBe(false);
    expect(new Int32Array(buf, 0, 2)[0]).toBe(STDIN_IDLE);
  });
});

describe('requestStdin', () => {
  it('asks the page, then returns the line', () => {
    const buf = createStdinBuffer();
    const ask = vi.fn(() => void writeStdin(buf, '5\n'));
    expect(requestStdin(buf, ask)).toBe('5\n');
    expect(ask).toHaveBeenCalledTimes(1);
  });
  it('returns null when the page answers with end of input', () => {
    const buf = createStdinBuffer();
    expect(requestStdin(buf, () => writeStdinEof(buf))).toBeNull();
  });
  it('does not ask again after end of input', () => {
    const buf = createStdinBuffer();
    writeStdinEof(buf);
    const ask = vi.fn();
    expect(requestStdin(buf, ask)).toBeNull();
    expect(ask).not.toHaveBeenCalled();
  });
});
