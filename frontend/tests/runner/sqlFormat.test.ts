import { describe, expect, it } from 'vitest';
import { formatCell, formatReal, formatTable, lineAt, rowCountLine, skipSpaceAndComments, sqlErrorLine } from '../../runner/src/sqlFormat';

describe('formatCell', () => {
  it.each([
    [null, 'NULL'],
    [42n, '42'],
    [9007199254740993n, '9007199254740993'],
    [2, '2.0'],
    [0.1 + 0.2, '0.3'],
    [1.5e300, '1.5e+300'],
    ['plain', 'plain'],
    ['two\nlines\tand tab', 'two\\nlines\\tand tab'],
    [new Uint8Array([0, 255, 16]), "x'00ff10'"],
  ] as const)('%s → %s', (value, text) => {
    expect(formatCell(value)).toBe(text);
  });

  it('cuts long text and long blobs', () => {
    expect(formatCell('x'.repeat(200))).toBe(`${'x'.repeat(79)}…`);
    expect(formatCell(new Uint8Array(40))).toBe(`x'${'00'.repeat(32)}…'`);
  });

  it('prints non-finite reals the way SQLite does', () => {
    expect(formatReal(Infinity)).toBe('Inf');
    expect(formatReal(-Infinity)).toBe('-Inf');
  });
});

describe('formatTable', () => {
  it('draws a box with numbers right-aligned and text left-aligned', () => {
    expect(formatTable(['name', 'n'], [['Ada', 7n], ['Grace', 1234n]])).toBe(
      [
        '┌───────┬──────┐',
        '│ name  │ n    │',
        '├───────┼──────┤',
        '│ Ada   │    7 │',
        '│ Grace │ 1234 │',
        '└───────┴──────┘',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('shows the header of an empty result', () => {
    expect(formatTable(['id'], [])).toBe(['┌────┐', '│ id │', '└────┘', '(0 rows)', ''].join('\n'));
  });

  it('aligns by characters, not UTF-16 units', () => {
    const out = formatTable(['w'], [['😀é'], ['ab']]);
    expect(out).toContain('│ 😀é │');
    expect(out).toContain('│ ab │');
  });

  it('counts rows that are not shown', () => {
    expect(formatTable(['x'], [[1n]], 5000)).toContain('(5000 rows, first 1 shown)');
  });
});

describe('rowCountLine', () => {
  it('uses the singular for one row', () => {
    expect(rowCountLine(1, 1)).toBe('(1 row)');
    expect(rowCountLine(0, 0)).toBe('(0 rows)');
  });
});

describe('error lines', () => {
  const script = 'SELECT 1;\n-- a comment\n\nSELECT *\n  FROM missing;\n';

  it('counts lines of an offset', () => {
    expect(lineAt(script, 0)).toBe(1);
    expect(lineAt(script, script.indexOf('FROM'))).toBe(5);
  });

  it('skips whitespace and comments to the next token', () => {
    expect(skipSpaceAndComments(script, 9)).toBe(script.indexOf('SELECT *'));
    expect(skipSpaceAndComments('/* a\nb */ x', 0)).toBe(10);
  });

  it("puts an error on the statement's first line", () => {
    expect(sqlErrorLine(script, 9, 'no such table: missing')).toBe(4);
  });

  it('puts a syntax error on the token it names', () => {
    const bad = 'SELECT 1;\nSELECT a\n  FORM t;\n';
    expect(sqlErrorLine(bad, 9, 'near "FORM": syntax error')).toBe(3);
  });

  it('puts incomplete input on the last line', () => {
    expect(sqlErrorLine('SELECT (1,\n  2\n\n', 0, 'incomplete input')).toBe(2);
  });
});
