import type { OutputStream } from '../../src/services/executor/protocol';
import { OutputLimiter } from './outputLimiter';
import { OUTPUT_MAX_BYTES, OUTPUT_MAX_LINES } from '../../src/services/executor/protocol';

export const BATCH_INTERVAL_MS = 20;
export const BATCH_MAX_CHARS = 16 * 1024;

export interface BatcherClock {
  now(): number;
  /** Schedules `fn` once; must not be the user-visible (wrapped) setTimeout. */
  later(fn: () => void, ms: number): void;
}

/**
 * Worker side: coalesces program output into few messages (one per stream
 * change, every BATCH_INTERVAL_MS or BATCH_MAX_CHARS), so that a print loop
 * cannot flood the runner page. The flush deadline is checked on every write
 * as well as by a timer, because a busy loop never lets a timer fire. Output
 * far past the page's caps is dropped here already (the page counts exactly
 * and stops the run; the slack makes sure it sees the overflow).
 */
export class OutputBatcher {
  private stream: OutputStream = 'stdout';
  private buffer = '';
  /** The first output of a run goes out at once; what follows is batched. */
  private lastFlush = -Infinity;
  private timerSet = false;
  private limiter = OutputBatcher.newLimiter();

  private static newLimiter(): OutputLimiter {
    return new OutputLimiter(OUTPUT_MAX_BYTES + 4096, OUTPUT_MAX_LINES + 1);
  }

  constructor(
    private readonly send: (stream: OutputStream, text: string) => void,
    private readonly clock: BatcherClock,
  ) {}

  write(stream: OutputStream, text: string): void {
    if (this.limiter.exhausted) return;
    const fits = this.limiter.take(text);
    if (fits) {
      if (stream !== this.stream && this.buffer) this.flush();
      this.stream = stream;
      this.buffer += fits;
    }
    // Past the slack the page has all it needs to stop the run: send it now.
    if (
      this.limiter.exhausted ||
      this.buffer.length >= BATCH_MAX_CHARS ||
      this.clock.now() - this.lastFlush >= BATCH_INTERVAL_MS
    ) {
      this.flush();
    } else if (!this.timerSet) {
      this.timerSet = true;
      this.clock.later(() => {
        this.timerSet = false;
        this.flush();
      }, BATCH_INTERVAL_MS);
    }
  }

  /** Starts counting a new run (a warm worker runs many); pending output is dropped. */
  reset(): void {
    this.buffer = '';
    this.lastFlush = -Infinity;
    this.limiter = OutputBatcher.newLimiter();
  }

  flush(): void {
    this.lastFlush = this.clock.now();
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.send(this.stream, text);
  }
}
