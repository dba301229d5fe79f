import { STDIN_BUFFER_BYTES, STDIN_HEADER_BYTES, STDIN_MAX_BYTES } from '../../src/services/executor/protocol';

/**
 * The stdin SharedArrayBuffer (layout in protocol.ts): Int32 [0] is the state,
 * Int32 [1] the byte length, UTF-8 bytes follow at STDIN_HEADER_BYTES. The
 * worker blocks with Atomics.wait while the state is IDLE; the runner page
 * writes a line, sets READY and notifies; the worker reads it and sets IDLE.
 */
export const STDIN_STATE_INDEX = 0;
export const STDIN_LENGTH_INDEX = 1;
export const STDIN_IDLE = 0;
export const STDIN_READY = 1;

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

/** True when a line waits in the buffer. */
export function stdinReady(buffer: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(buffer, 0, 2), STDIN_STATE_INDEX) === STDIN_READY;
}

/** Worker: takes the waiting line out of the buffer and marks it idle again. */
export function readStdin(buffer: SharedArrayBuffer): string {
  const header = new Int32Array(buffer, 0, 2);
  const length = Math.max(0, Math.min(Atomics.load(header, STDIN_LENGTH_INDEX), buffer.byteLength - STDIN_HEADER_BYTES));
  // TextDecoder refuses views of shared memory: copy first.
  const copy = new Uint8Array(length);
  copy.set(new Uint8Array(buffer, STDIN_HEADER_BYTES, length));
  Atomics.store(header, STDIN_LENGTH_INDEX, 0);
  Atomics.store(header, STDIN_STATE_INDEX, STDIN_IDLE);
  return new TextDecoder().decode(copy);
}

/**
 * Worker: blocks until a line arrives. `poll` runs every `sliceMs` while
 * waiting and may throw to abandon the wait (e.g. on an interrupt).
 */
export function waitForStdin(buffer: SharedArrayBuffer, poll: () => void = () => {}, sliceMs = 50): string {
  const header = new Int32Array(buffer, 0, 2);
  while (Atomics.load(header, STDIN_STATE_INDEX) !== STDIN_READY) {
    Atomics.wait(header, STDIN_STATE_INDEX, STDIN_IDLE, sliceMs);
    poll();
  }
  return readStdin(buffer);
}
