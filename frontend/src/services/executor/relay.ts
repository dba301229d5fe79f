/**
 * Shares one local run with the room as `execution` events, within the
 * server's limits: output is batched every `flushMs`, at most
 * `eventsPerFlush` events leave per batch, each carries at most `eventBytes`
 * of JSON-escaped text, and only the first `runBytes` (UTF-8) of a run's
 * output are shared. Receivers count the same UTF-8 bytes, so reaching
 * `runBytes` tells them the rest was not shared.
 */
import {
  EXECUTION_LIMITS,
  type ExecutionEventOut,
  type ExecutionFinished,
  type ExecutionStream,
} from '../../types/protocol';

export interface RelayLimits {
  flushMs: number;
  eventBytes: number;
  runBytes: number;
  eventsPerFlush: number;
}

export const RELAY_LIMITS: RelayLimits = {
  flushMs: EXECUTION_LIMITS.flushMs,
  eventBytes: EXECUTION_LIMITS.eventBytes,
  runBytes: EXECUTION_LIMITS.runBytes,
  // 10 batches a second: at most 20 events/s, under the server's 30/s.
  eventsPerFlush: 2,
};

/** UTF-8 bytes of one code point. */
function utf8Bytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Bytes of one code point inside a JSON string literal. */
function jsonBytes(cp: number): number {
  if (cp === 0x22 || cp === 0x5c) return 2;
  if (cp < 0x20) return 6;
  return utf8Bytes(cp);
}

/** UTF-8 length of a string. */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) n += utf8Bytes(ch.codePointAt(0)!);
  return n;
}

/**
 * Splits `text` so that the head measures at most `max` bytes by `measure`,
 * never inside a surrogate pair. Returns [head, rest, headBytes].
 */
export function cutText(text: string, max: number, measure: (cp: number) => number = utf8Bytes): [string, string, number] {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = measure(cp);
    if (bytes + size > max) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return [text.slice(0, i), text.slice(i), bytes];
}

interface Chunk {
  stream: ExecutionStream;
  text: string;
}

export class OutputRelay {
  private readonly runId: string;
  private readonly send: (event: ExecutionEventOut) => void;
  private readonly limits: RelayLimits;
  private readonly queue: Chunk[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sharedBytes = 0;
  private finished: ExecutionFinished | null = null;
  private closed = false;
  /** Output past `runBytes` was not shared. */
  truncated = false;

  constructor(runId: string, send: (event: ExecutionEventOut) => void, limits: RelayLimits = RELAY_LIMITS) {
    this.runId = runId;
    this.send = send;
    this.limits = limits;
  }

  /** Announces the run (immediately). */
  start(language: string, name: string): void {
    if (this.closed) return;
    this.send({
      run_id: this.runId,
      type: 'started',
      language,
      name: name.slice(0, EXECUTION_LIMITS.nameChars),
    });
  }

  /** Queues output; it leaves with the next batch. */
  push(stream: ExecutionStream, text: string): void {
    if (this.closed || this.finished || text.length === 0) return;
    const room = this.limits.runBytes - this.sharedBytes;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const [head, rest, bytes] = cutText(text, room);
    if (rest.length > 0) this.truncated = true;
    this.sharedBytes += bytes;
    if (head.length === 0) return;
    const last = this.queue[this.queue.length - 1];
    if (last && last.stream === stream) last.text += head;
    else this.queue.push({ stream, text: head });
    this.schedule();
  }

  /** Sends the rest of the output (paced), then `finished`. */
  finish(event: Omit<ExecutionFinished, 'run_id' | 'type'>): void {
    if (this.closed || this.finished) return;
    this.finished = { run_id: this.runId, type: 'finished', ...event };
    if (this.queue.length === 0 && this.timer === null) this.complete();
    else this.schedule();
  }

  /** Drops everything still queued (the page is going away). */
  dispose(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private complete(): void {
    const finished = this.finished;
    this.dispose();
    if (finished) this.send(finished);
  }

  private schedule(): void {
    if (this.timer === null) this.timer = setTimeout(this.flush, this.limits.flushMs);
  }

  private readonly flush = (): void => {
    this.timer = null;
    if (this.closed) return;
    for (let sent = 0; sent < this.limits.eventsPerFlush && this.queue.length > 0; sent++) {
      const chunk = this.queue[0]!;
      const [head, rest] = cutText(chunk.text, this.limits.eventBytes, jsonBytes);
      this.send({ run_id: this.runId, type: 'output', stream: chunk.stream, text: head });
      if (rest.length > 0) chunk.text = rest;
      else this.queue.shift();
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.finished) this.complete();
  };
}
