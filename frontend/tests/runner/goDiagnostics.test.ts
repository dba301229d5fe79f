import { describe, expect, it } from 'vitest';
import { explainMissingImport, formatCompilerOutput, parseGoDiagnostics, parseGoPanic } from '../../runner/src/goDiagnostics';

const COMPILER_OUTPUT = [
  'main.go:5:2: "os" imported and not used',
  'main.go:10:14: undefined: y',
  'main.go:11:17: cannot use 5 (untyped int constant) as string value in variable declaration',
  'main.go:12:5: too many return values',
  '\thave (number)',
  '\twant ()',
  'main.go:20:2: too many errors',
  '',
].join('\n');

describe('parseGoDiagnostics', () => {
  it('turns each compiler error into a diagnostic with its line and column', () => {
    const d = parseGoDiagnostics(COMPILER_OUTPUT);
    expect(d.slice(0, 3)).toEqual([
      { severity: 'error', line: 5, column: 2, message: '"os" imported and not used' },
      { severity: 'error', line: 10, column: 14, message: 'undefined: y' },
      { severity: 'error', line: 11, column: 17, message: 'cannot use 5 (untyped int constant) as string value in variable declaration' },
    ]);
  });

  it('keeps tab-indented continuation lines with their error', () => {
    expect(parseGoDiagnostics(COMPILER_OUTPUT)[3]!.message).toBe('too many return values\nhave (number)\nwant ()');
  });

  it('drops the "too many errors" marker', () => {
    expect(parseGoDiagnostics(COMPILER_OUTPUT)).toHaveLength(4);
  });

  it.each(['./main.go:3:1: x', '/work/main.go:3:1: x', 'main.go:3: x'])('reads the position in %s', (line) => {
    expect(parseGoDiagnostics(line)[0]).toMatchObject({ line: 3, message: 'x' });
  });

  it('ignores lines about other files and plain text', () => {
    expect(parseGoDiagnostics('other.go:1:1: nope\nsomething else\n\tindented')).toEqual([]);
  });

  it('caps the number of diagnostics', () => {
    const many = Array.from({ length: 150 }, (_, i) => `main.go:${i + 1}:1: e`).join('\n');
    expect(parseGoDiagnostics(many)).toHaveLength(100);
  });
});

describe('missing packages', () => {
  it('explains that only part of the standard library is there', () => {
    const msg = explainMissingImport('could not import encoding/json (open : Invalid argument)', ['fmt', 'os']);
    expect(msg).toBe('package encoding/json is not available: the browser runner has only part of the standard library (fmt, os)');
  });

  it('leaves other messages alone', () => {
    expect(explainMissingImport('undefined: x', ['fmt'])).toBe('undefined: x');
  });
});

describe('formatCompilerOutput', () => {
  it('shows positions the way go build does', () => {
    expect(formatCompilerOutput('main.go:10:14: undefined: y\n\thave x\n')).toBe('./main.go:10:14: undefined: y\n\thave x\n');
  });
});

describe('parseGoPanic', () => {
  it('finds the panic line and the first frame in main.go', () => {
    const stderr = [
      'before',
      'panic: runtime error: index out of range [5] with length 1',
      '',
      'goroutine 1 [running]:',
      'main.f(...)',
      '\t/work/main.go:3',
      'main.main()',
      '\t/work/main.go:7 +0x7',
    ].join('\n');
    expect(parseGoPanic(stderr)).toEqual({ message: 'panic: runtime error: index out of range [5] with length 1', position: { line: 3 } });
  });

  it('reports a fatal error such as a deadlock', () => {
    const stderr = 'fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/work/main.go:4 +0x3\n';
    expect(parseGoPanic(stderr)).toEqual({ message: 'fatal error: all goroutines are asleep - deadlock!', position: { line: 4 } });
  });

  it('gives no position when no frame is in the user file', () => {
    expect(parseGoPanic('panic: boom\n\ngoroutine 1 [running]:\nruntime.f()\n\truntime/x.go:1\n')).toEqual({ message: 'panic: boom' });
  });

  it('is null without a panic', () => {
    expect(parseGoPanic('some error output\n')).toBeNull();
  });
});
