import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputRelay, RELAY_LIMITS, cutText, utf8Length, type RelayLimits } from '../../src/services/executor/relay';
import type { ExecutionEventOut } from '../../src/types/protocol';

function relay(limits: Partial<RelayLimits> = {}) {
  const sent: ExecutionEventOut[] = [];
  const r = new OutputRelay('run-1', (e) => sent.push(e), { ...RELAY_LIMITS, ...limits });
  return { r, sent };
}

const FINISHED = { status: 'ok', exit_code: 0, duration_ms: 7 } as const;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('cutText / utf8Length', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
  });

  it('never splits a surrogate pair', () => {
    expect(cutText('a😀b', 3)).toEqual(['a', '😀b', 1]);
  });
});

describe('OutputRelay', () => {
  it('announces the run at once', () => {
    const { r, sent } = relay();
    r.start('python', 'Ada');
    expect(sent).toEqual([{ run_id: 'run-1', type: 'started', language: 'python', name: 'Ada' }]);
  });

  it('batches output of one stream into one event per interval', () => {
    const { r, sent } = relay();
    r.push('stdout', 'a');
    r.push('stdout', 'b');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent).toEqual([{ run_id: 'run-1', type: 'output', stream: 'stdout', text: 'ab' }]);
  });

  it('keeps the order of interleaved streams', () => {
    const { r, sent } = relay({ eventsPerFlush: 10 });
    r.push('stdout', '1');
    r.push('stderr', '2');
    r.push('stdout', '3');
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent.map((e) => (e.type === 'output' ? `${e.stream}:${e.text}` : e.type))).toEqual(['stdout:1', 'stderr:2', 'stdout:3']);
  });

  it('splits text into events of at most eventBytes of JSON', () => {
    const { r, sent } = relay({ eventBytes: 10, eventsPerFlush: 100 });
    r.push('stdout', 'x'.repeat(25));
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent.map((e) => (e.type === 'output' ? e.text.length : 0))).toEqual([10, 10, 5]);
  });

  it('counts JSON escapes against the event size', () => {
    const { r, sent } = relay({ eventBytes: 12, eventsPerFlush: 100 });
    r.push('stdout', '\u0001\u0001\u0001');
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent.map((e) => (e.type === 'output' ? e.text : ''))).toEqual(['\u0001\u0001', '\u0001']);
  });

  it('sends at most eventsPerFlush events per interval', () => {
    const { r, sent } = relay({ eventBytes: 1, eventsPerFlush: 2 });
    r.push('stdout', 'abcde');
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent).toHaveLength(4);
  });

  it('shares exactly runBytes of output and marks the rest truncated', () => {
    const { r, sent } = relay({ runBytes: 5, eventsPerFlush: 10 });
    r.push('stdout', 'abc');
    r.push('stdout', 'defgh');
    r.push('stderr', 'more');
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs);
    expect(sent).toEqual([{ run_id: 'run-1', type: 'output', stream: 'stdout', text: 'abcde' }]);
    expect(r.truncated).toBe(true);
  });

  it('sends finished at once when nothing is queued', () => {
    const { r, sent } = relay();
    r.finish(FINISHED);
    expect(sent).toEqual([{ run_id: 'run-1', type: 'finished', ...FINISHED }]);
  });

  it('sends finished after the queued output', () => {
    const { r, sent } = relay({ eventBytes: 1, eventsPerFlush: 1 });
    r.push('stdout', 'ab');
    r.finish(FINISHED);
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs * 2);
    expect(sent.map((e) => e.type)).toEqual(['output', 'output', 'finished']);
  });

  it('sends nothing after dispose', () => {
    const { r, sent } = relay();
    r.push('stdout', 'a');
    r.dispose();
    r.finish(FINISHED);
    vi.advanceTimersByTime(RELAY_LIMITS.flushMs * 10);
    expect(sent).toEqual([]);
  });
});
