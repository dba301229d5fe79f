/**
 * Text output of the SQL runner: result sets as boxed tables (like sqlite3's
 * `.mode box`) with a row count, and where in the script an error happened.
 * Pure functions (unit-tested).
 */

/** A value as sql.js returns it with `useBigInt` (INTEGER → bigint, REAL → number). */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** Rows printed per result set; the count line still gives the total. */
export const SQL_MAX_ROWS_SHOWN = 1000;
/** Characters per cell before it is cut with an ellipsis. */
export const SQL_MAX_CELL_CHARS = 80;
const BLOB_PREVIEW_BYTES = 32;

const chars = (s: string): number => [...s].length;

function clip(s: string, max = SQL_MAX_CELL_CHARS): string {
  const cps = [...s];
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join('')}…`;
}

/** REAL the way sqlite3 prints it (15 significant digits, always a decimal point or exponent). */
export function formatReal(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Inf' : n < 0 ? '-Inf' : 'NaN';
  const s = String(Number(n.toPrecision(15)));
  return /[.e]/u.test(s) ? s : `${s}.0`;
}

/** One cell as text: NULL, numbers, blobs as x'…' hex, control characters escaped. */
export function formatCell(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatReal(v);
  if (v instanceof Uint8Array) {
    const hex = Array.from(v.subarray(0, BLOB_PREVIEW_BYTES), (b) => b.toString(16).padStart(2, '0')).join('');
    return `x'${hex}${v.length > BLOB_PREVIEW_BYTES ? '…' : ''}'`;
  }
  // eslint-disable-next-line no-control-regex
  const text = v.replace(/[\u0000-\u001f\u007f]/gu, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clip(text);
}

const isNumeric = (v: SqlValue): boolean => typeof v === 'number' || typeof v === 'bigint';

/** `(1 row)`, `(3 rows)`, `(5000 rows, first 1000 shown)`. */
export function rowCountLine(total: number, shown: number): string {
  const base = `${total} ${total === 1 ? 'row' : 'rows'}`;
  return shown < total ? `(${base}, first ${shown} shown)` : `(${base})`;
}

/**
 * A result set as a box-drawn table followed by its row count. Numbers are
 * right-aligned, everything else left-aligned; `total` counts rows beyond
 * those passed in `rows` (which are the ones shown).
 */
export function formatTable(columns: readonly string[], rows: readonly (readonly SqlValue[])[], total = rows.length): string {
  const header = columns.map((c) => clip(c));
  const body = rows.map((r) => columns.map((_, i) => formatCell(r[i] ?? null)));
  const right = rows.map((r) => columns.map((_, i) => isNumeric(r[i] ?? null)));
  const widths = header.map((h, i) => Math.max(chars(h), ...body.map((r) => chars(r[i]!))));
  const pad = (s: string, w: number, alignRight: boolean): string => {
    const fill = ' '.repeat(w - chars(s));
    return alignRight ? fill + s : s + fill;
  };
  const rule = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (cells: string[], alignRight: (i: number) => boolean): string =>
    `│${cells.map((c, i) => ` ${pad(c, widths[i]!, alignRight(i))} `).join('│')}│`;
  const out = [rule('┌', '┬', '┐'), line(header, () => false)];
  if (body.length > 0) {
    out.push(rule('├', '┼', '┤'));
    body.forEach((r, ri) => out.push(line(r, (i) => right[ri]![i]!)));
  }
  out.push(rule('└', '┴', '┘'), rowCountLine(total, rows.length));
  return `${out.join('\n')}\n`;
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the first token at or after `from`: whitespace and comments skipped. */
export function skipSpaceAndComments(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/u.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else {
      return i;
    }
  }
}

/**
 * Line of an SQLite error in `script` for a statement starting at `start`:
 * the token a syntax error names (`near "x": syntax error`), the end of the
 * script for `incomplete input`, else the statement's first line.
 */
export function sqlErrorLine(script: string, start: number, message: string): number {
  const first = skipSpaceAndComments(script, start);
  const near = /near "([^"]*)": syntax error/u.exec(message);
  if (near && near[1]) {
    const at = script.indexOf(near[1], first);
    if (at >= 0) return lineAt(script, at);
  }
  if (/incomplete input/u.test(message)) return lineAt(script, script.trimEnd().length);
  return lineAt(script, first);
}
