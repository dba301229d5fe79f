import { STDIN_BUFFER_BYTES, STDIN_HEADER_BYTES, STDIN_MAX_BYTES } from '../../src/services/executor/protocol';

/**
 * The stdin SharedArrayBuffer (layout in protocol.ts): Int32 [0] is the state,
 * Int32 [1] the byte length, UTF-8 bytes follow at STDIN_HEADER_BYTES. The
 * worker blocks with Atomics.wait while the state is IDLE; the runner page
 * writes a line, sets READY and notifies; the worker reads it and sets IDLE.
 * End of input is the state EOF, which the worker leaves as it is: every
 * later read of the run sees end of input at once, without asking the page.
 * The page resets the buffer to IDLE before each run.
 */
export const STDIN_STATE_INDEX = 0;
export const STDIN_LENGTH_INDEX = 1;
export const STDIN_IDLE = 0;
export const STDIN_READY = 1;
export const STDIN_EOF = 2;

export function createStdinBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(STDIN_BUFFER_BYTES);
}

/** UTF-8 bytes of `text`, cut at a character boundary to fit `max` bytes. */
export function encodeClipped(text: string, max: number = STDIN_MAX_BYTES): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.slice(0, end);
}

/** Runner page: hands one line to the blocked worker. Returns the bytes written. */
export function writeStdin(buffer: SharedArrayBuffer, text: string): number {
  const bytes = encodeClipped(text, Math.min(STDIN_MAX_BYTES, buffer.byteLength - STDIN_HEADER_BYTES));
  new Uint8Array(buffer, STDIN_HEADER_BYTES, bytes.length).set(bytes);
  const header = new Int32Array(buffer, 0, 2);
  Atomics.store(header, STDIN_LENGTH_INDEX, bytes.length);
  Atomics.store(header, STDIN_STATE_INDEX, STDIN_READY);
  Atomics.notify(header, STDIN_STATE_INDEX);
  return bytes.length;
}

/** Runner page: tells the blocked worker that there is no more input. */
export function writeStdinEof(buffer: SharedArrayBuffer): void {
  const header = new Int32Array(buffer, 0, 2);
  Atomics.store(header, STDIN_LENGTH_INDEX, 0);
  Atomics.store(header, STDIN_STATE_INDEX, STDIN_EOF);
  Atomics.notify(header, STDIN_STATE_INDEX);
}

/** Runner page: before a run, forgets the previous run's end of input (and any unread line). */
export function resetStdin(buffer: SharedArrayBuffer): void {
  const header = new Int32Array(buffer, 0, 2);
  Atomics.store(header, STDIN_LENGTH_INDEX, 0);
  Atomics.store(header, STDIN_STATE_INDEX, STDIN_IDLE);
}

/** True when a line waits in the buffer. */
export function stdinReady(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer, 0, 2), STDIN_STATE_INDEX) === STDIN_READY;
}

/** True once the page has sent end of input for this run. */
export function stdinEnded(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer, 0, 2), STDIN_STATE_INDEX) === STDIN_EOF;
}

/** Worker: takes the waiting line out of the buffer and marks it idle again; null at end of input. */
export function readStdin(buffer: SharedArrayBuffer): string | null {
  const header = new Int32Array(buffer, 0, 2);
  if (Atomics.load(header, STDIN_STATE_INDEX) === STDIN_EOF) return null;
  const length = Math.max(0, Math.min(Atomics.load(header, STDIN_LENGTH_INDEX), buffer.byteLength - STDIN_HEADER_BYTES));
  // TextDecoder refuses views of shared memory: copy first.
  const copy = new Uint8Array(length);
  copy.set(new Uint8Array(buffer, STDIN_HEADER_BYTES, length));
  Atomics.store(header, STDIN_LENGTH_INDEX, 0);
  Atomics.store(header, STDIN_STATE_INDEX, STDIN_IDLE);
  return new TextDecoder().decode(copy);
}

/**
 * Worker: blocks until a line (or end of input: null) arrives. `poll` runs
 * every `sliceMs` while waiting and may throw to abandon the wait (e.g. on an
 * interrupt).
 */
export function waitForStdin(buffer: SharedArrayBuffer, poll: () => void = () => {}, sliceMs = 50): string | null {
  const header = new Int32Array(buffer, 0, 2);
  while (Atomics.load(header, STDIN_STATE_INDEX) === STDIN_IDLE) {
    Atomics.wait(header, STDIN_STATE_INDEX, STDIN_IDLE, sliceMs);
    poll();
  }
  return readStdin(buffer);
}

/**
 * Worker: the program's next line of input, or null at end of input. Asks
 * the page with `ask` (flush output, send `stdin-request`) and blocks; after
 * end of input, returns null at once without asking.
 */
export function requestStdin(buffer: SharedArrayBuffer, ask: () => void, poll?: () => void): string | null {
  if (stdinEnded(buffer)) return null;
  ask();
  return waitForStdin(buffer, poll);
}
