import { describe, expect, it } from 'vitest';
import { OutputLimiter } from '../../runner/src/outputLimiter';
import { OUTPUT_MAX_BYTES, OUTPUT_MAX_LINES } from '../../src/services/executor/protocol';

describe('OutputLimiter', () => {
  it('uses the protocol caps by default', () => {
    const l = new OutputLimiter();
    expect([l.maxBytes, l.maxLines]).toEqual([OUTPUT_MAX_BYTES, OUTPUT_MAX_LINES]);
  });
  it('passes output under both caps unchanged', () => {
    const l = new OutputLimiter(100, 10);
    expect(l.take('a\nb\n')).toBe('a\nb\n');
    expect([l.usedBytes, l.usedLines, l.exhausted]).toEqual([4, 2, false]);
  });
  it('accepts output of exactly the byte cap', () => {
    const l = new OutputLimiter(4, 10);
    expect(l.take('abcd')).toBe('abcd');
    expect(l.exhausted).toBe(false);
  });
  it('cuts at the byte cap and becomes exhausted', () => {
    const l = new OutputLimiter(4, 10);
    expect(l.take('abcdef')).toBe('abcd');
    expect(l.exhausted).toBe(true);
  });
  it('counts bytes as UTF-8', () => {
    const l = new OutputLimiter(5, 10);
    expect(l.take('ééé')).toBe('éé');
  });
  it('never splits a surrogate pair', () => {
    const l = new OutputLimiter(6, 10);
    expect(l.take('😀😀')).toBe('😀');
  });
  it('accepts exactly maxLines complete lines', () => {
    const l = new OutputLimiter(100, 2);
    expect(l.take('a\nb\n')).toBe('a\nb\n');
    expect(l.exhausted).toBe(false);
  });
  it('cuts the first character after maxLines lines', () => {
    const l = new OutputLimiter(100, 2);
    expect(l.take('a\nb\nc\n')).toBe('a\nb\n');
    expect(l.exhausted).toBe(true);
  });
  it('counts lines across chunks', () => {
    const l = new OutputLimiter(100, 2);
    l.take('a\n');
    l.take('b\n');
    expect(l.take('c')).toBe('');
  });
  it('returns nothing once exhausted, even for text that would fit', () => {
    const l = new OutputLimiter(3, 10);
    l.take('abcd');
    expect(l.take('')).toBe('');
    expect(l.take('x')).toBe('');
  });
});
