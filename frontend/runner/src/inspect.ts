/**
 * Pretty-printing of JavaScript values for the run console, in the spirit of
 * Node's `util.inspect` / `util.format` (written from their documented
 * output, not their code): strings raw at top level and quoted when nested,
 * class names, Map/Set/Date/RegExp/Error, a depth limit and circular
 * references marked `<ref *n>` … `[Circular *n]`.
 */

export interface InspectOptions {
  /** Levels of nesting shown before `[Object]`; Node's default is 2. */
  depth: number;
  /** A line longer than this is broken into one entry per line. */
  breakLength: number;
  /** Array, Map and Set entries shown before `... n more items`. */
  maxArrayLength: number;
  /** Characters of a nested string shown before `... n more characters`. */
  maxStringLength: number;
}

export const DEFAULT_INSPECT_OPTIONS: InspectOptions = {
  depth: 2,
  breakLength: 80,
  maxArrayLength: 100,
  maxStringLength: 10_000,
};

interface Ctx {
  opts: InspectOptions;
  /** Objects on the path from the root to the value being formatted. */
  seen: unknown[];
  /** Objects found to be circular, with their reference number. */
  circular: Map<unknown, number>;
  indent: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/u;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Quotes a string the way Node does: single quotes unless the string contains them. */
export function quote(s: string): string {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') && !s.includes('${') ? '`' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${q}${out}${q}`;
}

function formatKey(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function functionBase(fn: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  const name = fn.name;
  if (source.startsWith('class') && /^class[\s{]/u.test(source)) {
    const parent = Object.getPrototypeOf(fn) as { name?: string } | null;
    const ext = parent && parent !== Function.prototype && parent.name ? ` extends ${parent.name}` : '';
    return `[class ${name || '(anonymous)'}${ext}]`;
  }
  const tag = (fn as unknown as Record<symbol, unknown>)[Symbol.toStringTag];
  const kind = typeof tag === 'string' && tag.endsWith('Function') ? tag : 'Function';
  return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
}

/** The constructor name of an object, or null for a null prototype. */
function constructorName(obj: object): string | null {
  let proto = Object.getPrototypeOf(obj) as object | null;
  while (proto) {
    const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
    if (desc && typeof desc.value === 'function' && typeof (desc.value as { name?: unknown }).name === 'string') {
      const name = (desc.value as { name: string }).name;
      if (name) return name;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return null;
}

function isBelowBreakLength(ctx: Ctx, entries: string[], base: string): boolean {
  let total = entries.length + base.length + ctx.indent;
  for (const e of entries) {
    if (e.includes('\n')) return false;
    total += e.length;
    if (total > ctx.opts.breakLength) return false;
  }
  return total + 4 <= ctx.opts.breakLength;
}

/** Array entries short enough to be laid out in columns. */
const GROUP_MIN_ENTRIES = 7;
const GROUP_MAX_ENTRY = 6;
const GROUP_MAX_COLUMNS = 12;

/**
 * Packs many short array entries into rows of aligned columns (numbers
 * right-aligned), so that a long numeric array does not take a line per item.
 */
function groupEntries(ctx: Ctx, entries: string[], numeric: boolean): string[] {
  const width = Math.max(...entries.map((e) => e.length));
  const columns = Math.max(1, Math.min(GROUP_MAX_COLUMNS, Math.floor((ctx.opts.breakLength - ctx.indent - 2) / (width + 2))));
  const rows: string[] = [];
  for (let i = 0; i < entries.length; i += columns) {
    const row = entries.slice(i, i + columns).map((e) => (numeric ? e.padStart(width) : e.padEnd(width)));
    rows.push(row.join(', ').trimEnd());
  }
  return rows;
}

/** Joins formatted entries inside braces, on one line when short enough. */
function reduce(ctx: Ctx, entries: string[], base: string, open: string, close: string, groupable = 0): string {
  const prefix = base ? `${base} ` : '';
  if (entries.length === 0) return `${prefix}${open}${close}`;
  if (isBelowBreakLength(ctx, entries, prefix + open)) return `${prefix}${open} ${entries.join(', ')} ${close}`;
  const pad = ' '.repeat(ctx.indent);
  let lines = entries;
  // `groupable` leading entries are array items that may share rows.
  const items = entries.slice(0, groupable);
  if (items.length >= GROUP_MIN_ENTRIES && items.every((e) => e.length <= GROUP_MAX_ENTRY && !e.includes('\n'))) {
    const numeric = items.every((e) => /^-?[\d.]+(?:e[+-]?\d+)?n?$|^NaN$|^-?Infinity$/u.test(e));
    lines = [...groupEntries(ctx, items, numeric), ...entries.slice(groupable)];
  }
  return `${prefix}${open}\n${pad}  ${lines.join(`,\n${pad}  `)}\n${pad}${close}`;
}

function formatProperty(ctx: Ctx, obj: object, key: string | symbol, depth: number): string {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  let value: string;
  if (desc && (desc.get || desc.set)) value = desc.get && desc.set ? '[Getter/Setter]' : desc.get ? '[Getter]' : '[Setter]';
  else value = formatValue(ctx, desc ? desc.value : (obj as Record<string | symbol, unknown>)[key], depth + 1);
  return `${formatKey(key)}: ${value}`;
}

/** Own enumerable keys that are not array indices. */
function extraKeys(obj: object, skipIndices: boolean): (string | symbol)[] {
  const keys: (string | symbol)[] = [];
  for (const key of Reflect.ownKeys(obj)) {
    if (!Object.prototype.propertyIsEnumerable.call(obj, key)) continue;
    if (skipIndices && typeof key === 'string' && /^(?:0|[1-9]\d*)$/u.test(key)) continue;
    keys.push(key);
  }
  return keys;
}

function formatError(ctx: Ctx, err: Error): string {
  let text = typeof err.stack === 'string' && err.stack ? err.stack : Error.prototype.toString.call(err);
  // V8's stack omits the name when it was changed after construction, or the message.
  const head = `${err.name}: ${err.message}`;
  if (err.message && !text.includes(err.message)) text = `${head}\n${text}`;
  if (ctx.indent > 0) text = text.split('\n').join(`\n${' '.repeat(ctx.indent)}`);
  return text;
}

function formatObject(ctx: Ctx, obj: object, depth: number): string {
  const name = constructorName(obj);
  const tag = (obj as Record<symbol, unknown>)[Symbol.toStringTag];
  const tagText = typeof tag === 'string' && tag !== name && tag !== '' ? ` [${tag}]` : '';
  const nullProto = name === null ? '[Object: null prototype]' : '';

  if (Array.isArray(obj)) {
    if (depth > ctx.opts.depth) return '[Array]';
    const entries: string[] = [];
    const shown = Math.min(obj.length, ctx.opts.maxArrayLength);
    let holes = 0;
    const flushHoles = (): void => {
      if (holes > 0) entries.push(`<${plural(holes, 'empty item')}>`);
      holes = 0;
    };
    for (let i = 0; i < shown; i++) {
      if (!Object.prototype.hasOwnProperty.call(obj, i)) {
        holes++;
        continue;
      }
      flushHoles();
      entries.push(formatValue(ctx, obj[i], depth + 1));
    }
    flushHoles();
    if (obj.length > shown) entries.push(`... ${plural(obj.length - shown, 'more item')}`);
    const itemCount = entries.length - (obj.length > shown ? 1 : 0);
    for (const key of extraKeys(obj, true)) entries.push(formatProperty(ctx, obj, key, depth));
    const base = name === 'Array' ? '' : name === null ? `[Array(${obj.length}): null prototype]` : `${name}(${obj.length})`;
    return reduce(ctx, entries, base, '[', ']', itemCount);
  }
  if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
    const typed = obj as unknown as ArrayLike<number | bigint>;
    const base = `${name ?? 'TypedArray'}(${typed.length})`;
    if (depth > ctx.opts.depth) return `[${base}]`;
    const entries: string[] = [];
    const shown = Math.min(typed.length, ctx.opts.maxArrayLength);
    for (let i = 0; i < shown; i++) {
      const v = typed[i]!;
      entries.push(typeof v === 'bigint' ? `${v}n` : formatNumber(v));
    }
    const itemCount = entries.length;
    if (typed.length > shown) entries.push(`... ${plural(typed.length - shown, 'more item')}`);
    return reduce(ctx, entries, base, '[', ']', itemCount);
  }
  if (obj instanceof Map) {
    const base = `${name ?? 'Map'}(${obj.size})`;
    if (depth > ctx.opts.depth) return `[${name ?? 'Map'}]`;
    const entries: string[] = [];
    let i = 0;
    for (const [k, v] of obj) {
      if (i++ >= ctx.opts.maxArrayLength) break;
      entries.push(`${formatValue(ctx, k, depth + 1)} => ${formatValue(ctx, v, depth + 1)}`);
    }
    if (obj.size > ctx.opts.maxArrayLength) entries.push(`... ${plural(obj.size - ctx.opts.maxArrayLength, 'more item')}`);
    for (const key of extraKeys(obj, false)) entries.push(formatProperty(ctx, obj, key, depth));
    return reduce(ctx, entries, base, '{', '}');
  }
  if (obj instanceof Set) {
    const base = `${name ?? 'Set'}(${obj.size})`;
    if (depth > ctx.opts.depth) return `[${name ?? 'Set'}]`;
    const entries: string[] = [];
    let i = 0;
    for (const v of obj) {
      if (i++ >= ctx.opts.maxArrayLength) break;
      entries.push(formatValue(ctx, v, depth + 1));
    }
    if (obj.size > ctx.opts.maxArrayLength) entries.push(`... ${plural(obj.size - ctx.opts.maxArrayLength, 'more item')}`);
    for (const key of extraKeys(obj, false)) entries.push(formatProperty(ctx, obj, key, depth));
    return reduce(ctx, entries, base, '{', '}');
  }
  if (obj instanceof WeakMap || obj instanceof WeakSet) return `${name ?? 'Weak'} { <items unknown> }`;
  if (obj instanceof Promise) return `${name ?? 'Promise'} { <state unknown> }`;

  // Values printed as a scalar, plus own enumerable properties if any.
  let scalar: string | null = null;
  if (obj instanceof Date) scalar = Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  else if (obj instanceof RegExp) scalar = RegExp.prototype.toString.call(obj);
  else if (obj instanceof Error) scalar = formatError(ctx, obj);
  else if (typeof obj === 'function') scalar = functionBase(obj as (...args: never[]) => unknown);
  else if (obj instanceof Number) scalar = `[Number: ${formatNumber(obj.valueOf())}]`;
  else if (obj instanceof String) scalar = `[String: ${quote(obj.valueOf())}]`;
  else if (obj instanceof Boolean) scalar = `[Boolean: ${String(obj.valueOf())}]`;
  else if (obj instanceof ArrayBuffer) scalar = `ArrayBuffer { byteLength: ${obj.byteLength} }`;
  if (scalar !== null) {
    const keys = extraKeys(obj, obj instanceof String).filter((k) => !(obj instanceof Error && (k === 'stack' || k === 'message')));
    if (keys.length === 0) return scalar;
    if (depth > ctx.opts.depth) return obj instanceof Error ? `[${obj.name}: ${obj.message}]` : scalar;
    const entries = keys.map((k) => formatProperty(ctx, obj, k, depth));
    return reduce(ctx, entries, scalar, '{', '}');
  }

  const label = nullProto || (name === 'Object' ? '' : (name ?? '')) + tagText;
  if (depth > ctx.opts.depth) return `[${label.trim() || 'Object'}]`;
  const entries = extraKeys(obj, false).map((k) => formatProperty(ctx, obj, k, depth));
  return reduce(ctx, entries, label.trim(), '{', '}');
}

function formatValue(ctx: Ctx, value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string': {
      if (value.length <= ctx.opts.maxStringLength) return quote(value);
      const rest = value.length - ctx.opts.maxStringLength;
      return `${quote(value.slice(0, ctx.opts.maxStringLength))}... ${plural(rest, 'more character')}`;
    }
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    case 'function':
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (ctx.seen.includes(obj)) {
    let ref = ctx.circular.get(obj);
    if (ref === undefined) {
      ref = ctx.circular.size + 1;
      ctx.circular.set(obj, ref);
    }
    return `[Circular *${ref}]`;
  }
  ctx.seen.push(obj);
  const saved = ctx.indent;
  ctx.indent = depth * 2;
  let out: string;
  try {
    out = formatObject(ctx, obj, depth);
  } catch (err) {
    // A throwing getter or proxy trap must not break console.log.
    out = `[object: inspection failed: ${err instanceof Error ? err.message : String(err)}]`;
  } finally {
    ctx.indent = saved;
    ctx.seen.pop();
  }
  const ref = ctx.circular.get(obj);
  return ref === undefined ? out : `<ref *${ref}> ${out}`;
}

/** Formats any value, strings quoted (what `console.log({ s })` shows for `s`). */
export function inspect(value: unknown, options: Partial<InspectOptions> = {}): string {
  const opts = { ...DEFAULT_INSPECT_OPTIONS, ...options };
  return formatValue({ opts, seen: [], circular: new Map(), indent: 0 }, value, 0);
}

/** Formats console arguments: `%s %d %i %f %j %o %O %c %%` in a leading string, the rest joined by spaces. */
export function formatArgs(args: readonly unknown[], options: Partial<InspectOptions> = {}): string {
  const show = (v: unknown): string => (typeof v === 'string' ? v : inspect(v, options));
  if (args.length === 0) return '';
  const [first, ...rest] = args;
  if (typeof first !== 'string') return args.map(show).join(' ');
  let i = 0;
  const head = first.replace(/%[sdifjoOc%]/gu, (spec) => {
    if (spec === '%%') return '%';
    if (i >= rest.length) return spec;
    const arg = rest[i++];
    switch (spec) {
      case '%s':
        return typeof arg === 'string' ? arg : typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'object' && arg !== null ? inspect(arg, { ...options, depth: 1 }) : String(arg);
      case '%d':
      case '%i': {
        if (typeof arg === 'bigint') return `${arg}n`;
        if (typeof arg === 'symbol') return 'NaN';
        const n = Number(arg);
        return formatNumber(spec === '%i' ? Math.trunc(n) : n);
      }
      case '%f':
        return typeof arg === 'symbol' ? 'NaN' : formatNumber(parseFloat(String(arg)));
      case '%j':
        try {
          return JSON.stringify(arg) ?? 'undefined';
        } catch {
          return '[Circular]';
        }
      case '%o':
      case '%O':
        return inspect(arg, options);
      default: // %c: CSS, ignored
        return '';
    }
  });
  return [head, ...rest.slice(i).map(show)].join(' ');
}
