import { OUTPUT_MAX_BYTES, OUTPUT_MAX_LINES } from '../../src/services/executor/protocol';

/** UTF-8 length of one code point. */
function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Counts a run's output against its byte and line caps. `take` returns the
 * part of a chunk that still fits; once something did not fit the limiter is
 * exhausted and returns '' for good. A line is counted at its `\n`: output of
 * exactly `maxLines` lines fits, any character after them does not.
 */
export class OutputLimiter {
  private bytes = 0;
  private lines = 0;
  private full = false;

  constructor(
    readonly maxBytes: number = OUTPUT_MAX_BYTES,
    readonly maxLines: number = OUTPUT_MAX_LINES,
  ) {}

  /** True once some output was cut. */
  get exhausted(): boolean {
    return this.full;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get usedLines(): number {
    return this.lines;
  }

  take(text: string): string {
    if (this.full) return '';
    let i = 0;
    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      const len = utf8Length(cp);
      if (this.lines >= this.maxLines || this.bytes + len > this.maxBytes) {
        this.full = true;
        return text.slice(0, i);
      }
      this.bytes += len;
      if (cp === 0x0a) this.lines++;
      i += cp > 0xffff ? 2 : 1;
    }
    return text;
  }
}
