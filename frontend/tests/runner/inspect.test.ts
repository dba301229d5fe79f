import { describe, expect, it } from 'vitest';
import { formatArgs, inspect, quote } from '../../runner/src/inspect';

describe('inspect: primitives', () => {
  it('quotes nested strings with single quotes', () => {
    expect(inspect('abc')).toBe("'abc'");
  });
  it('switches to double quotes when the string holds a single quote', () => {
    expect(quote("it's")).toBe('"it\'s"');
  });
  it('escapes newlines and control characters', () => {
    expect(quote('a\nb\u0001')).toBe("'a\\nb\\x01'");
  });
  it('prints -0, bigint and symbols', () => {
    expect([inspect(-0), inspect(10n), inspect(Symbol('s'))]).toEqual(['-0', '10n', 'Symbol(s)']);
  });
  it('prints null and undefined', () => {
    expect([inspect(null), inspect(undefined)]).toEqual(['null', 'undefined']);
  });
});

describe('inspect: containers', () => {
  it('prints a short array on one line', () => {
    expect(inspect([1, 'a', [2]])).toBe("[ 1, 'a', [ 2 ] ]");
  });
  it('prints an empty array and object compactly', () => {
    expect([inspect([]), inspect({})]).toEqual(['[]', '{}']);
  });
  it('counts holes in sparse arrays', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(inspect([1, , , 4])).toBe('[ 1, <2 empty items>, 4 ]');
  });
  it('quotes keys that are not identifiers', () => {
    expect(inspect({ a: 1, 'b-c': 2 })).toBe("{ a: 1, 'b-c': 2 }");
  });
  it('shows the class name of an instance', () => {
    class Point {
      x = 1;
      y = 2;
    }
    expect(inspect(new Point())).toBe('Point { x: 1, y: 2 }');
  });
  it('marks objects without prototype', () => {
    const o = Object.create(null) as Record<string, number>;
    o.a = 1;
    expect(inspect(o)).toBe('[Object: null prototype] { a: 1 }');
  });
  it('prints Map and Set with their size', () => {
    expect(inspect(new Map([['a', 1]]))).toBe("Map(1) { 'a' => 1 }");
    expect(inspect(new Set([1, 2]))).toBe('Set(2) { 1, 2 }');
  });
  it('stops at depth 2 with [Object] and [Array]', () => {
    expect(inspect({ a: { b: { c: { d: 1 } } }, l: [[[[1]]]] })).toBe('{ a: { b: { c: [Object] } }, l: [ [ [Array] ] ] }');
  });
  it('breaks long objects into one entry per line', () => {
    const o = { alpha: 'x'.repeat(30), beta: 'y'.repeat(30), gamma: 'z'.repeat(30) };
    expect(inspect(o)).toBe(
      `{\n  alpha: '${'x'.repeat(30)}',\n  beta: '${'y'.repeat(30)}',\n  gamma: '${'z'.repeat(30)}'\n}`,
    );
  });
  it('indents nested multi-line objects', () => {
    const o = { outer: { alpha: 'x'.repeat(30), beta: 'y'.repeat(30) } };
    expect(inspect(o)).toBe(`{\n  outer: {\n    alpha: '${'x'.repeat(30)}',\n    beta: '${'y'.repeat(30)}'\n  }\n}`);
  });
  it('shortens arrays past 100 items', () => {
    expect(inspect(Array.from({ length: 102 }, () => 0)).endsWith('0, 0, 0, 0,\n  ... 2 more items\n]')).toBe(true);
  });
  it('lays out long arrays of short items in aligned columns', () => {
    const a = Array.from({ length: 30 }, (_, i) => i * 5);
    expect(inspect(a)).toBe(
      '[\n' +
        '    0,   5,  10,  15,  20,  25,  30,  35,  40,  45,  50,  55,\n' +
        '   60,  65,  70,  75,  80,  85,  90,  95, 100, 105, 110, 115,\n' +
        '  120, 125, 130, 135, 140, 145\n' +
        ']',
    );
  });
  it('prints typed arrays with their length', () => {
    expect(inspect(new Uint8Array([1, 2]))).toBe('Uint8Array(2) [ 1, 2 ]');
  });
});

describe('inspect: circular references', () => {
  it('marks the referenced object and the reference', () => {
    const o: Record<string, unknown> = { name: 'o' };
    o.self = o;
    expect(inspect(o)).toBe("<ref *1> { name: 'o', self: [Circular *1] }");
  });
  it('marks a cycle through an array', () => {
    const a: unknown[] = [1];
    a.push({ back: a });
    expect(inspect(a)).toBe('<ref *1> [ 1, { back: [Circular *1] } ]');
  });
  it('does not mark an object seen twice without a cycle', () => {
    const shared = { v: 1 };
    expect(inspect([shared, shared])).toBe('[ { v: 1 }, { v: 1 } ]');
  });
});

describe('inspect: special objects', () => {
  it('prints dates as ISO strings', () => {
    expect(inspect(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05.000Z');
  });
  it('prints invalid dates', () => {
    expect(inspect(new Date(NaN))).toBe('Invalid Date');
  });
  it('prints regular expressions as literals', () => {
    expect(inspect(/a+b/giu)).toBe('/a+b/giu');
  });
  it('prints functions and classes by name', () => {
    function named(): void {}
    class Base {
      id = 0;
    }
    class Derived extends Base {}
    expect([inspect(named), inspect(() => 1), inspect(Base), inspect(Derived)]).toEqual([
      '[Function: named]',
      '[Function (anonymous)]',
      '[class Base]',
      '[class Derived extends Base]',
    ]);
  });
  it('prints an error with its stack', () => {
    const err = new Error('boom');
    err.stack = 'Error: boom\n    at f (main.js:1:7)';
    expect(inspect(err)).toBe('Error: boom\n    at f (main.js:1:7)');
  });
  it('prints extra properties of an error', () => {
    const err = Object.assign(new Error('x'), { code: 'E1' });
    err.stack = 'Error: x';
    expect(inspect(err)).toBe("Error: x { code: 'E1' }");
  });
  it('prints getters without calling them', () => {
    const o = {
      get g(): number {
        throw new Error('called');
      },
    };
    expect(inspect(o)).toBe('{ g: [Getter] }');
  });
  it('prints boxed primitives', () => {
    expect(inspect(Object('s'))).toBe("[String: 's']");
  });
});

describe('formatArgs (console.log)', () => {
  it('prints top-level strings raw and joins with spaces', () => {
    expect(formatArgs(['a b', 1, { s: 'x' }])).toBe("a b 1 { s: 'x' }");
  });
  it('applies %s, %d, %i, %f and %j', () => {
    expect(formatArgs(['%s=%d %i %f %j', 'n', 42.5, 42.9, '1.5', { a: 1 }])).toBe('n=42.5 42 1.5 {"a":1}');
  });
  it('applies %o and %O with inspection', () => {
    expect(formatArgs(['%o', 'q'])).toBe("'q'");
  });
  it('keeps %% as a literal percent and drops %c styles', () => {
    expect(formatArgs(['100%% %cred', 'color: red'])).toBe('100% red');
  });
  it('leaves specifiers without arguments alone', () => {
    expect(formatArgs(['%s and %s', 'one'])).toBe('one and %s');
  });
  it('appends arguments left over after the format', () => {
    expect(formatArgs(['%s', 'a', 'b', [1]])).toBe('a b [ 1 ]');
  });
  it('prints nothing for no arguments', () => {
    expect(formatArgs([])).toBe('');
  });
});
