import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { api } from '../services/api';
import type { CollabProvider } from '../services/collab/provider';
import { isRunnableLanguage, newNonce } from '../services/executor/protocol';
import { OutputRelay } from '../services/executor/relay';
import { RunnerHost, runOptionsFor, type RunEvent, type RunHandle } from '../services/executor/runnerHost';
import { useSessionStore, type RunnerStatus } from '../store/session';
import type { ExecutionFinished } from '../types/protocol';

/** Remote runs with no event for this long past their time limit are considered gone. */
const REMOTE_IDLE_EXTRA_MS = 120_000;
const SWEEP_MS = 5000;

export interface ExecutionParams {
  provider: CollabProvider | null;
  doc: Y.Doc | null;
  /** Session language id. */
  language: string | null;
  /** /api/languages says this language runs in the browser. */
  languageRunnable: boolean;
  /** Our display name (before the join answers). */
  name: string;
  /** Tests pass a factory instead of a real iframe host. */
  createHost?: (runnerUrl: string, callbacks: HostCallbacks) => RunnerHost;
}

export interface HostCallbacks {
  onInfo: (info: RunnerStatus) => void;
  onNotice: (message: string) => void;
}

export interface ExecutionControls {
  run: () => void;
  stop: () => void;
  sendStdin: (line: string) => void;
  /** Ends the program's input (Ctrl+D). */
  endStdin: () => void;
}

/** Shown in the shared output, like a typed line, when the person running ends the input. */
export const STDIN_END_ECHO = '^D (end of input)\n';

export const CHECKING_RUNNER = 'Checking whether this server runs code…';

const DECISION_DOC = 'docs/decisions/csharp-java-kotlin.md';

/** Languages with no in-browser runtime for a known reason (see DECISION_DOC). */
const NOT_RUNNABLE_BECAUSE: Readonly<Record<string, string>> = {
  csharp: `C# cannot run in the browser yet: no maintained C# compiler for the browser is available offline (see ${DECISION_DOC}).`,
  java: `Java cannot run in the browser yet: no in-browser Java compiler is available offline (see ${DECISION_DOC}).`,
  kotlin: `Kotlin cannot run in the browser: the Kotlin compiler needs a JVM and has no browser build (see ${DECISION_DOC}).`,
};

/** Why a language without a browser runtime cannot run, in one sentence. */
export function notRunnableReason(languageId: string | null, languageName: string): string {
  return (languageId !== null && NOT_RUNNABLE_BECAUSE[languageId]) || `${languageName || 'This language'} is not runnable in the browser yet.`;
}

/** Why Run is disabled, in plain words; null when it is enabled. */
export function runUnavailableReason(
  runner: RunnerStatus,
  language: { id: string | null; name: string },
  languageRunnable: boolean,
  languagesLoaded = true,
): string | null {
  if (runner.state === 'disabled') return 'Running code is turned off on this server.';
  if (!languagesLoaded) return CHECKING_RUNNER;
  if (!languageRunnable) return notRunnableReason(language.id, language.name);
  if (runner.state === 'unknown') return CHECKING_RUNNER;
  if (runner.state === 'closed') return 'The code runner is closed.';
  return null;
}

const defaultHost = (runnerUrl: string, callbacks: HostCallbacks) => new RunnerHost({ runnerUrl, ...callbacks });

/**
 * Owns the runner host of the session page: loads /api/config, creates the
 * sandboxed runner once a runnable language is selected, warms up the
 * selected language's runtime,
 * runs the shared code, mirrors run events into the store and shares them
 * with the room.
 */
export function useExecution(params: ExecutionParams): ExecutionControls {
  const { provider, doc, language, languageRunnable, name, createHost = defaultHost } = params;
  const [runnerUrl, setRunnerUrl] = useState<string | null>(null);
  const [wanted, setWanted] = useState(false);
  const [host, setHost] = useState<RunnerHost | null>(null);
  const current = useRef<{ handle: RunHandle; relay: OutputRelay } | null>(null);
  const latest = useRef({ provider, doc, language, name });
  useEffect(() => {
    latest.current = { provider, doc, language, name };
  });

  // GET /api/config once per page.
  useEffect(() => {
    let alive = true;
    api.config().then(
      (config) => {
        if (!alive) return;
        if (config.runner_url === null) {
          useSessionStore.getState().setRunner({ state: 'disabled', isolated: null, message: null });
        } else {
          setRunnerUrl(config.runner_url);
          useSessionStore.getState().setRunner({ state: 'connecting', isolated: null, message: null });
        }
      },
      (error: unknown) => {
        if (!alive) return;
        const message = error instanceof Error ? error.message : String(error);
        useSessionStore.getState().setRunner({ state: 'failed', isolated: null, message });
      },
    );
    return () => {
      alive = false;
    };
  }, []);

  // The runner iframe appears with the first runnable language and stays.
  const runnableNow = languageRunnable && language !== null && isRunnableLanguage(language);
  useEffect(() => {
    // Sticky on purpose: switching to C and back keeps the warm runtime.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (runnableNow) setWanted(true);
  }, [runnableNow]);

  useEffect(() => {
    if (!runnerUrl || !wanted) return undefined;
    const store = useSessionStore.getState;
    const created = createHost(runnerUrl, {
      onInfo: (info) => store().setRunner(info),
      onNotice: (message) => store().appendOutput({ kind: 'info', text: message }),
    });
    // The host is an external resource created here and disposed below.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setHost(created);
    return () => {
      current.current?.relay.dispose();
      current.current = null;
      const local = store().localRunId;
      created.dispose();
      if (local) {
        store().dispatchRun({
          type: 'finish',
          runId: local,
          at: Date.now(),
          result: { status: 'stopped', exitCode: -1, durationMs: 0 },
        });
      }
      setHost(null);
    };
  }, [runnerUrl, wanted, createHost]);

  // Runtimes take seconds to load (Python, the C/C++ compiler, Go…): warm
  // the selected one up at once. The runner only spawns a spare worker for the
  // quick ones (JavaScript, TypeScript).
  useEffect(() => {
    if (host && languageRunnable && language !== null && isRunnableLanguage(language)) host.preload(language);
  }, [host, language, languageRunnable]);

  // Remote runs whose `finished` never came (dropped, or the sender vanished).
  useEffect(() => {
    const timer = setInterval(() => {
      const state = useSessionStore.getState();
      if (!state.runs.some((r) => !r.local && r.phase !== 'finished')) return;
      state.dispatchRun({ type: 'expire', now: Date.now(), maxIdleMs: state.runTimeoutSeconds * 1000 + REMOTE_IDLE_EXTRA_MS });
    }, SWEEP_MS);
    return () => clearInterval(timer);
  }, []);

  const run = useCallback(() => {
    const store = useSessionStore.getState();
    const { provider: p, doc: d, language: lang, name: fallbackName } = latest.current;
    if (!host || !d || !lang || !isRunnableLanguage(lang) || store.localRunId !== null || host.running) return;
    const runId = newNonce();
    const runnerName = store.self?.name ?? fallbackName;
    const relay = new OutputRelay(runId, (event) => {
      p?.sendExecution(event);
    });
    store.dispatchRun({ type: 'start', runId, local: true, by: store.self?.id ?? null, name: runnerName, language: lang, at: Date.now() });
    relay.start(lang, runnerName);

    const onEvent = (event: RunEvent) => {
      const s = useSessionStore.getState();
      switch (event.type) {
        case 'progress':
          s.dispatchRun({ type: 'progress', runId, loaded: event.loaded, total: event.total });
          return;
        case 'started':
          s.dispatchRun({ type: 'executing', runId, at: Date.now() });
          return;
        case 'output':
          s.dispatchRun({ type: 'output', runId, stream: event.stream, text: event.text, at: Date.now() });
          relay.push(event.stream, event.text);
          return;
        case 'stdin-request':
          s.dispatchRun({ type: 'stdin_request', runId });
          return;
        case 'notice':
          s.dispatchRun({ type: 'notice', runId, text: event.message });
          return;
        case 'finished': {
          const line = event.error?.position?.line;
          const error = event.error
            ? { message: event.error.message, ...(line !== undefined ? { line, column: event.error.position?.column } : {}) }
            : undefined;
          s.dispatchRun({
            type: 'finish',
            runId,
            at: Date.now(),
            result: {
              status: event.status,
              exitCode: event.exitCode,
              durationMs: event.durationMs,
              ...(error ? { error } : {}),
              ...(event.diagnostics?.length ? { diagnostics: event.diagnostics } : {}),
            },
          });
          const shared: Omit<ExecutionFinished, 'run_id' | 'type'> = {
            status: event.status,
            exit_code: Math.trunc(event.exitCode),
            duration_ms: Math.max(0, Math.round(event.durationMs)),
          };
          if (event.error) shared.error = line !== undefined ? { message: event.error.message, line } : { message: event.error.message };
          relay.finish(shared);
          if (current.current?.relay === relay) current.current = null;
          return;
        }
      }
    };

    try {
      const handle = host.run({
        language: lang,
        code: d.getText('code').toString(),
        timeoutMs: store.runTimeoutSeconds * 1000,
        options: runOptionsFor(lang, store.runSettings),
        onEvent,
      });
      // A run can finish synchronously (e.g. a misconfigured runner URL).
      if (host.running) current.current = { handle, relay };
    } catch (cause) {
      onEvent({
        type: 'finished',
        status: 'crashed',
        exitCode: -1,
        durationMs: 0,
        error: { message: cause instanceof Error ? cause.message : String(cause) },
      });
    }
  }, [host]);

  const stop = useCallback(() => {
    current.current?.handle.stop();
  }, []);

  const sendStdin = useCallback((line: string) => {
    const active = current.current;
    const runId = useSessionStore.getState().localRunId;
    if (!active || !runId) return;
    const text = line.endsWith('\n') ? line : `${line}\n`;
    active.handle.sendStdin(text);
    useSessionStore.getState().dispatchRun({ type: 'output', runId, stream: 'stdin', text, at: Date.now() });
    active.relay.push('stdin', text);
  }, []);

  const endStdin = useCallback(() => {
    const active = current.current;
    const runId = useSessionStore.getState().localRunId;
    if (!active || !runId) return;
    active.handle.endStdin();
    useSessionStore.getState().dispatchRun({ type: 'output', runId, stream: 'stdin', text: STDIN_END_ECHO, at: Date.now() });
    active.relay.push('stdin', STDIN_END_ECHO);
  }, []);

  return { run, stop, sendStdin, endStdin };
}
