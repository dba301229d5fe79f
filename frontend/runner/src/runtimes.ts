import type { RunnableLanguage } from '../../src/services/executor/protocol';

/**
 * Which worker runs each language and how it lives. Adding a language means
 * a worker file (`<kind>.worker.ts`, speaking the worker protocol of
 * protocol.ts), a `WorkerKind`, an entry here and a case in main.ts's
 * `createWorker`; the runner page logic stays the same.
 */

/** One worker script per kind; C and C++ share the compiler worker. */
export type WorkerKind = 'js' | 'ts' | 'python' | 'clang' | 'lua' | 'sql' | 'ruby' | 'go';

export interface RuntimeSpec {
  kind: WorkerKind;
  /** Shown in crash and load-failure messages. */
  name: string;
  /**
   * Kept loaded between runs (slow-to-load runtimes and compilers); else a
   * fresh worker per run with a spare pre-spawned.
   */
  keepWarm: boolean;
  /** Stops through the interrupt buffer (with SharedArrayBuffer) instead of termination. */
  interruptible: boolean;
}

const KINDS: Record<WorkerKind, RuntimeSpec> = {
  js: { kind: 'js', name: 'JavaScript', keepWarm: false, interruptible: false },
  ts: { kind: 'ts', name: 'TypeScript', keepWarm: false, interruptible: false },
  python: { kind: 'python', name: 'Python', keepWarm: true, interruptible: true },
  lua: { kind: 'lua', name: 'Lua', keepWarm: true, interruptible: false },
  sql: { kind: 'sql', name: 'SQLite', keepWarm: true, interruptible: false },
  ruby: { kind: 'ruby', name: 'Ruby', keepWarm: true, interruptible: false },
  clang: { kind: 'clang', name: 'C/C++ compiler', keepWarm: true, interruptible: false },
  go: { kind: 'go', name: 'Go', keepWarm: true, interruptible: false },
};

const LANGUAGE_KINDS: Partial<Record<RunnableLanguage, WorkerKind>> = {
  javascript: 'js',
  typescript: 'ts',
  python: 'python',
  lua: 'lua',
  sql: 'sql',
  ruby: 'ruby',
  c: 'clang',
  cpp: 'clang',
  go: 'go',
};

/** The runtime of a language, or null when this runner build has none. */
export function runtimeOf(language: RunnableLanguage): RuntimeSpec | null {
  const kind = LANGUAGE_KINDS[language];
  return kind ? KINDS[kind] : null;
}

export function runtimeKind(kind: WorkerKind): RuntimeSpec {
  return KINDS[kind];
}
