import { DIAGNOSTICS_MAX, type Diagnostic, type SourcePosition } from '../../src/services/executor/protocol.ts';
import { BITS_STDCXX_H, C_HEADERS, CXX_HEADERS } from './bitsStdcxx.ts';

/**
 * The pure parts of the C/C++ runtime (clang.worker.ts): the compiler command
 * line, interviewer flags, clang's diagnostics, and what a WebAssembly trap
 * means for a C program. Unit-tested without the compiler.
 */

export type ClangLanguage = 'c' | 'cpp';

/** The user's translation unit in the compiler's in-memory file system. */
export const SOURCE_FILE: Record<ClangLanguage, string> = { c: 'main.c', cpp: 'main.cpp' };
export const OUTPUT_FILE = 'main.wasm';
/** Where our own headers (bits/stdc++.h) live in the compiler's file system. */
export const EXTRA_INCLUDE_DIR = 'pairpad/include';

/** A file tree of the compiler's in-memory file system (the shape @yowasp/clang takes). */
export interface FileTree {
  [name: string]: FileTree | string | Uint8Array;
}

/** Our headers in the compiler's file system: <bits/stdc++.h> under EXTRA_INCLUDE_DIR. */
export function includeTree(): FileTree {
  return EXTRA_INCLUDE_DIR.split('/').reduceRight<FileTree>((inner, dir) => ({ [dir]: inner }), { bits: { 'stdc++.h': BITS_STDCXX_H } });
}

/** Flags used when the interviewer set none. */
export const DEFAULT_FLAGS: Record<ClangLanguage, readonly string[]> = {
  c: ['-O1', '-std=c17', '-Wall', '-Wextra'],
  cpp: ['-O1', '-std=c++20', '-Wall', '-Wextra', '-fno-exceptions'],
};

/**
 * Always passed before the chosen flags (so a flag can still turn them off):
 * a null pointer dereference traps instead of silently reading address 0 of
 * linear memory.
 */
export const SAFETY_FLAGS: readonly string[] = ['-fsanitize=null', '-fsanitize-trap=null'];

/** Wasm stack for the program (wasm-ld's default, 64 KiB, is too small for recursive solutions). */
export const STACK_BYTES = 8 * 1024 * 1024;

/** Compiler flags the toolchain needs, always passed after the chosen ones. */
export function toolchainCompileFlags(): string[] {
  return ['--target=wasm32-wasip1', '-fno-color-diagnostics', '-isystem', `/${EXTRA_INCLUDE_DIR}`];
}

/** Linker flags and the output, always last. */
export function toolchainLinkFlags(): string[] {
  return [
    // A stack overflow runs below address 0 and traps instead of corrupting globals.
    '-Wl,--stack-first',
    `-Wl,-z,stack-size=${STACK_BYTES}`,
    '-o',
    OUTPUT_FILE,
  ];
}

/** Flags the toolchain needs, always passed after the chosen ones. */
export function toolchainFlags(): string[] {
  return [...toolchainCompileFlags(), ...toolchainLinkFlags()];
}

export const MAX_FLAGS = 64;

/**
 * Interviewer flags accepted: optimisation, language standard, warnings,
 * macros, code generation (-f…), debug info, target features (-m…). Anything
 * else (output and input files, include or library paths, linker and
 * preprocessor pass-through, plugins, response files) is refused.
 */
const ALLOWED = [
  /^-O(?:[0-3sz]|fast)?$/u,
  /^-std=[\w+]+$/u,
  /^-W(?![alp],)[\w=+-]*$/u,
  /^-w$/u,
  /^-pedantic(?:-errors)?$/u,
  /^-ansi$/u,
  /^-[DU][A-Za-z_]\w*(?:=\S*)?$/u,
  /^-g\w*$/u,
  /^-m[\w=+-]+$/u,
  /^-f[\w=+,.-]+$/u,
];
/** -f flags that load code or write files named by the flag. */
const REFUSED_F = /^-f(?:plugin|pass-plugin|profile|coverage|crash-diagnostics|save-optimization-record|time-trace|embed|debug-prefix-map|file-prefix-map|macro-prefix-map|modules-cache-path|module-file|prebuilt-module-path)/u;

export type FlagsResult = { ok: true; flags: string[] } | { ok: false; message: string };

/**
 * The flags for a run: the interviewer's (space separated) when set, else
 * the language defaults. A refused flag fails the run with a message.
 */
export function chooseFlags(language: ClangLanguage, compilerFlags: string | undefined): FlagsResult {
  const words = (compilerFlags ?? '').split(/\s+/u).filter(Boolean);
  if (words.length === 0) return { ok: true, flags: [...DEFAULT_FLAGS[language]] };
  if (words.length > MAX_FLAGS) return { ok: false, message: `Too many compiler flags (${words.length}; at most ${MAX_FLAGS}).` };
  for (const word of words) {
    if (!ALLOWED.some((re) => re.test(word)) || REFUSED_F.test(word)) {
      return {
        ok: false,
        message:
          `Compiler flag "${word}" is not allowed here. The session's compiler flags may set ` +
          'optimisation (-O…), the standard (-std=…), warnings (-W…, -w, -pedantic), macros (-D…, -U…), ' +
          '-f…, -g… and -m… options; files, paths and linker options are fixed by the runner.',
      };
    }
  }
  return { ok: true, flags: words };
}

/**
 * Everything on a command line that reaches the compiler front end for the
 * chosen flags: the flags a precompiled header must have been built with.
 */
export function frontendFlags(flags: readonly string[]): string[] {
  return [...SAFETY_FLAGS, ...flags, ...toolchainCompileFlags()];
}

/** The whole clang command line for a run; with `pch`, the precompiled <bits/stdc++.h> is loaded first. */
export function compileArgs(language: ClangLanguage, flags: readonly string[], { pch = false } = {}): string[] {
  const driver = language === 'c' ? 'clang' : 'clang++';
  return [driver, SOURCE_FILE[language], ...frontendFlags(flags), ...(pch ? ['-include-pch', PCH_FILE] : []), ...toolchainLinkFlags()];
}

// ---- precompiled <bits/stdc++.h> ----------------------------------------------

/**
 * Parsing libc++'s headers is most of a C++ compile (≈6–9 s of ≈7–10 s in a
 * browser). The runner build precompiles our <bits/stdc++.h> once with the
 * default C++ flags (vite-plugins/cxxPch.ts), and a run whose source only
 * includes standard headers loads that instead (≈1.5 s). The build and the
 * worker take the command line from the functions below, so the two cannot
 * drift apart.
 */

/** Where clang.worker.ts places our <bits/stdc++.h>: the header the PCH is built from. */
export const PCH_HEADER = `/${EXTRA_INCLUDE_DIR}/bits/stdc++.h`;
/**
 * The precompiled header in the compiler's file system (written by the build,
 * read by a run) and its file name on the runner origin (no `+`: the server
 * would read it as a space).
 */
export const PCH_FILE = 'stdcxx.pch';
/** The C++ flags the PCH is built with: a run with other (non-warning) flags cannot load it. */
export const PCH_FLAGS: readonly string[] = DEFAULT_FLAGS.cpp;

/** The command line that builds the PCH (driver first, like compileArgs). */
export function pchBuildArgs(): string[] {
  // No timestamp: the headers of the in-memory file system get a new mtime on every compile.
  return ['clang++', '-x', 'c++-header', PCH_HEADER, ...frontendFlags(PCH_FLAGS), '-Xclang', '-fno-pch-timestamp', '-o', PCH_FILE];
}

/** Flags that only change which warnings are shown (a PCH built with other ones still loads). */
const isWarningFlag = (flag: string): boolean => /^-W(?![alp],)/u.test(flag) || flag === '-w' || flag.startsWith('-pedantic');

/**
 * True when a run with these flags can load the PCH: the same flags apart
 * from warnings (clang refuses a PCH built at another -O level or standard,
 * and a -D the PCH did not see would silently not apply to its headers).
 */
export function pchFlagsMatch(flags: readonly string[]): boolean {
  const strip = (f: readonly string[]) => f.filter((x) => !isWarningFlag(x));
  const a = strip(flags);
  const b = strip(PCH_FLAGS);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Standard headers a PCH run may include: everything our <bits/stdc++.h> includes, and the C forms (<stdio.h>) of its C headers. */
const PCH_HEADERS: ReadonlySet<string> = new Set([
  'bits/stdc++.h',
  ...C_HEADERS,
  ...C_HEADERS.map((h) => `${h.slice(1)}.h`),
  ...CXX_HEADERS,
]);

/**
 * The source with comments replaced by a space and the contents of string
 * and character literals removed, after line splicing (translation phases
 * 2–3, near enough to find preprocessor directives).
 */
export function stripCommentsAndLiterals(code: string): string {
  const src = code.replace(/\\\r?\n/gu, '');
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'") {
      const prefix = /\w*$/u.exec(src.slice(Math.max(0, i - 64), i))![0];
      if (c === '"' && /^(?:u8|[uUL])?R$/u.test(prefix)) {
        const open = src.indexOf('(', i);
        const delim = open < 0 ? '' : src.slice(i + 1, open);
        const close = open < 0 ? -1 : src.indexOf(`)${delim}"`, open);
        i = close < 0 ? src.length : close + delim.length + 2;
      } else {
        i++;
        while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
        // An unterminated literal (or a digit separator, 1'000) ends with its line.
        if (src[i] === c) i++;
      }
      out += `${c}${c}`;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * True when a C++ source can be compiled with the PCH without changing its
 * meaning: every #include names a standard header in <…> form, and no other
 * directive (#define, #undef, #if, #pragma…) comes before the last #include
 * (so NDEBUG and other macros set before a header still reach it).
 */
export function pchEligible(code: string): boolean {
  let otherDirective = false;
  for (const line of stripCommentsAndLiterals(code).split('\n')) {
    const m = /^\s*#\s*(\w*)(.*)$/u.exec(line);
    if (!m || m[1] === '') continue;
    if (m[1] === 'include_next' || m[1] === 'import') return false;
    if (m[1] === 'include') {
      const header = /^\s*<([^<>]+)>\s*$/u.exec(m[2]!)?.[1];
      if (header === undefined || !PCH_HEADERS.has(header) || otherDirective) return false;
    } else {
      otherDirective = true;
    }
  }
  return true;
}

/**
 * After a compile with the PCH failed: true when the failure may be the PCH's
 * doing, so the run is compiled again without it and that result reported.
 * That is when clang talks about the precompiled file (flags that do not
 * match), or when a diagnostic points outside the user's file (an ambiguity
 * with a std name only the PCH made visible, like a global `count` next to
 * `using namespace std;`).
 */
export function retryWithoutPch(output: string, userFile: string): boolean {
  if (/precompiled|\bPCH\b|\.pch\b/u.test(output)) return true;
  for (const line of output.split('\n')) {
    const m = LOCATED.exec(line) ?? INCLUDED_FROM.exec(line);
    if (m && m[1] !== userFile) return true;
  }
  return false;
}

// ---- diagnostics ------------------------------------------------------------

const LOCATED = /^(.+?):(\d+):(\d+): (fatal error|error|warning|note): (.*)$/u;
const INCLUDED_FROM = /^In file included from (.+?):(\d+):/u;
const UNLOCATED = /^(?:clang(?:\+\+)?|wasm-ld|[\w.-]+): (?:fatal )?error: (.*)$/u;

export interface CompileReport {
  diagnostics: Diagnostic[];
  /** The first error, where it points in the user's file when it does. */
  firstError: { message: string; position?: SourcePosition } | null;
}

/** Drops the temporary object file path from a linker message. */
function cleanLinkerMessage(message: string): string {
  return message.replace(/^\S+\.o: /u, '');
}

/**
 * Reads clang's (and wasm-ld's) text output. Diagnostics in the user's file
 * become editor markers; an error inside a system header is placed on the
 * user's line that led to it (the `#include`, or the "requested here" note of
 * a template instantiation).
 */
export function parseClangOutput(output: string, userFile: string): CompileReport {
  const diagnostics: Diagnostic[] = [];
  let firstError: CompileReport['firstError'] = null;
  /** An error in another file waiting for the user line it came from. */
  let foreign: string | null = null;
  let includedFrom: number | null = null;
  const add = (d: Diagnostic): void => {
    const dup = diagnostics.some((x) => x.line === d.line && x.column === d.column && x.message === d.message);
    if (!dup && diagnostics.length < DIAGNOSTICS_MAX) diagnostics.push(d);
  };
  for (const line of output.split('\n')) {
    const inc = INCLUDED_FROM.exec(line);
    if (inc) {
      // The outermost include is listed last, and that is the user's line.
      if (inc[1] === userFile) includedFrom = Number(inc[2]);
      continue;
    }
    const m = LOCATED.exec(line);
    if (m) {
      const [, file, l, c, kind, text] = m as unknown as [string, string, string, string, string, string];
      const here = file === userFile;
      const position = { line: Number(l), column: Number(c) };
      if (kind === 'note') {
        if (here && foreign !== null) {
          add({ severity: 'error', ...position, message: foreign });
          if (firstError && !firstError.position) firstError.position = position;
          foreign = null;
        }
        continue;
      }
      const severity = kind === 'warning' ? 'warning' : 'error';
      if (severity === 'error' && !firstError) firstError = { message: text, ...(here ? { position } : {}) };
      if (here) {
        add({ severity, ...position, message: text });
        foreign = null;
      } else if (severity === 'error') {
        if (includedFrom !== null) {
          add({ severity, line: includedFrom, message: text });
          if (firstError && !firstError.position) firstError.position = { line: includedFrom };
          foreign = null;
        } else {
          foreign = text;
        }
      }
      includedFrom = null;
      continue;
    }
    const u = UNLOCATED.exec(line);
    if (u && !firstError) firstError = { message: cleanLinkerMessage(u[1]!) };
  }
  return { diagnostics, firstError };
}

export const EXCEPTIONS_HINT =
  'C++ exceptions are not supported by this in-browser toolchain (no exception runtime); use error codes or std::optional.';

/** True when the compiler (or linker) failed because the program uses exceptions. */
export function mentionsExceptions(output: string): boolean {
  return /exceptions disabled|-fexceptions|undefined symbol: __cxa_(?:allocate_exception|throw|begin_catch|rethrow)/u.test(output);
}

// ---- running ------------------------------------------------------------------

export interface Crash {
  message: string;
  exitCode: number;
}

/**
 * What a WebAssembly trap (or a signal the program raised) means for a C
 * program, with a shell-like exit code (128 + signal).
 */
export function describeCrash(err: unknown): Crash {
  const text = err instanceof Error ? err.message : String(err);
  const signal = /^raised signal (\d+)$/u.exec(text);
  if (signal) return { message: `The program raised signal ${signal[1]}.`, exitCode: 128 + Number(signal[1]) };
  if (err instanceof RangeError && /call stack/iu.test(text)) {
    return { message: 'Stack overflow: the program recursed too deeply.', exitCode: 139 };
  }
  if (/unreachable/u.test(text)) {
    return {
      message:
        'The program crashed (trap: unreachable): a null pointer dereference, abort(), a failed assert() or other undefined behaviour.',
      exitCode: 134,
    };
  }
  if (/memory access out of bounds/u.test(text)) {
    return { message: 'The program crashed (trap: memory access out of bounds): a bad pointer or array index, or a stack overflow.', exitCode: 139 };
  }
  if (/divide by zero|remainder by zero/u.test(text)) {
    return { message: 'The program crashed (trap: integer division by zero).', exitCode: 136 };
  }
  if (/integer overflow/u.test(text)) {
    return { message: 'The program crashed (trap: integer overflow in a division or conversion).', exitCode: 136 };
  }
  if (/function signature mismatch|null function|table index/u.test(text)) {
    return { message: 'The program crashed (trap: call through a bad function pointer).', exitCode: 139 };
  }
  return { message: `The program crashed: ${text}`, exitCode: 134 };
}
