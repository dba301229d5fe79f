import { DIAGNOSTICS_MAX, type Diagnostic, type SourcePosition } from '../../src/services/executor/protocol';

/**
 * What the Go compiler and a Go program's runtime print, turned into the
 * runner's terms: compiler errors into editor diagnostics, a panic or fatal
 * error into the run's error message and line.
 */

/** The user's file as the compiler is given it (the working directory is GO_WORK_DIR). */
export const GO_USER_FILE = 'main.go';
export const GO_WORK_DIR = '/work';

const POSITION = /^(?:\.\/|\/work\/)?main\.go:(\d+)(?::(\d+))?: (.*)$/u;
const MISSING_IMPORT = /^could not import (\S+) \(open : [^)]*\)$/u;

/** The compiler's words for an import the runner does not ship, made plain. */
export function explainMissingImport(message: string, importable: readonly string[]): string {
  const m = MISSING_IMPORT.exec(message);
  if (!m) return message;
  return `package ${m[1]} is not available: the browser runner has only part of the standard library (${importable.join(', ')})`;
}

/**
 * Diagnostics from the compiler's output (`main.go:LINE:COL: message`, with
 * tab-indented continuation lines); the "too many errors" marker is dropped.
 */
export function parseGoDiagnostics(output: string, importable: readonly string[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  let last: Diagnostic | null = null;
  for (const line of output.split('\n')) {
    const m = POSITION.exec(line);
    if (m) {
      last = null;
      const message = m[3]!;
      if (message === 'too many errors' || out.length >= DIAGNOSTICS_MAX) continue;
      last = {
        severity: 'error',
        line: Number(m[1]),
        ...(m[2] ? { column: Number(m[2]) } : {}),
        message: explainMissingImport(message, importable),
      };
      out.push(last);
    } else if (last && line.startsWith('\t')) {
      last.message += `\n${line.slice(1)}`;
    } else {
      last = null;
    }
  }
  return out;
}

/** The compiler's output as `go build` shows it: paths relative to the package (`./main.go:3:2: …`). */
export function formatCompilerOutput(output: string, importable: readonly string[] = []): string {
  return output.replace(/^main\.go:(\d+(?::\d+)?): (.*)$/gmu, (_, pos: string, message: string) => {
    return `./main.go:${pos}: ${explainMissingImport(message, importable)}`;
  });
}

/**
 * The panic or fatal error a Go program died of, from its stderr: the
 * `panic: …` / `fatal error: …` line and the first frame in the user's file
 * after it. Null when stderr has neither.
 */
export function parseGoPanic(stderr: string): { message: string; position?: SourcePosition } | null {
  const m = /^(?:panic|fatal error): .*$/mu.exec(stderr);
  if (!m) return null;
  const rest = stderr.slice(m.index + m[0].length);
  const frame = /^\t(?:\/work\/)?main\.go:(\d+)/mu.exec(rest);
  return { message: m[0], ...(frame ? { position: { line: Number(frame[1]) } } : {}) };
}
