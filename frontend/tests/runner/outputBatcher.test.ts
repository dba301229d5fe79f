import { describe, expect, it } from 'vitest';
import { BATCH_INTERVAL_MS, BATCH_MAX_CHARS, OutputBatcher } from '../../runner/src/outputBatcher';
import { OUTPUT_MAX_LINES, type OutputStream } from '../../src/services/executor/protocol';

function setup() {
  const sent: [OutputStream, string][] = [];
  const timers: (() => void)[] = [];
  let t = 0;
  const batcher = new OutputBatcher((stream, text) => sent.push([stream, text]), {
    now: () => t,
    later: (fn) => void timers.push(fn),
  });
  return {
    batcher,
    sent,
    timers,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('OutputBatcher', () => {
  it('sends the first output at once', () => {
    const { batcher, sent } = setup();
    batcher.write('stdout', 'first\n');
    expect(sent).toEqual([['stdout', 'first\n']]);
  });
  it('holds later small writes until the timer fires', () => {
    const { batcher, sent, timers } = setup();
    batcher.write('stdout', 'first\n');
    batcher.write('stdout', 'a\n');
    batcher.write('stdout', 'b\n');
    expect(sent.length).toBe(1);
    timers.forEach((fn) => fn());
    expect(sent).toEqual([
      ['stdout', 'first\n'],
      ['stdout', 'a\nb\n'],
    ]);
  });
  it('schedules one timer for many writes', () => {
    const { batcher, timers } = setup();
    for (let i = 0; i < 10; i++) batcher.write('stdout', 'x');
    expect(timers.length).toBe(1);
  });
  it('flushes on a write once the interval has passed, without waiting for the timer', () => {
    const { batcher, sent, advance } = setup();
    batcher.write('stdout', 'first');
    batcher.write('stdout', 'a');
    advance(BATCH_INTERVAL_MS);
    batcher.write('stdout', 'b');
    expect(sent).toEqual([
      ['stdout', 'first'],
      ['stdout', 'ab'],
    ]);
  });
  it('flushes when the buffer reaches BATCH_MAX_CHARS', () => {
    const { batcher, sent } = setup();
    batcher.write('stdout', 'x'.repeat(BATCH_MAX_CHARS));
    expect(sent.length).toBe(1);
  });
  it('sends a message per stream change, in order', () => {
    const { batcher, sent } = setup();
    batcher.flush();
    batcher.write('stdout', 'out');
    batcher.write('stderr', 'err');
    batcher.flush();
    expect(sent).toEqual([
      ['stdout', 'out'],
      ['stderr', 'err'],
    ]);
  });
  it('sends nothing when flushed empty', () => {
    const { batcher, sent } = setup();
    batcher.flush();
    expect(sent).toEqual([]);
  });
  it('sends the overflow past the caps at once, then drops output', () => {
    const { batcher, sent } = setup();
    for (let i = 0; i < OUTPUT_MAX_LINES + 5; i++) batcher.write('stdout', 'x\n');
    const total = sent.reduce((n, [, text]) => n + text.split('\n').length - 1, 0);
    expect(total).toBe(OUTPUT_MAX_LINES + 1);
  });
  it('counts again from zero after reset', () => {
    const { batcher, sent } = setup();
    for (let i = 0; i < OUTPUT_MAX_LINES + 5; i++) batcher.write('stdout', 'x\n');
    batcher.reset();
    sent.length = 0;
    batcher.write('stdout', 'again\n');
    expect(sent).toEqual([['stdout', 'again\n']]);
  });
});
