/** UI state of the open session: connection, people, language, runs and output. */
import { create } from 'zustand';
import type { ConnectionStatus, ProviderEvent } from '../services/collab/provider';
import type { RunnerState } from '../services/executor/runnerHost';
import type { RunSettings } from '../types/api';
import type { ExecutionEvent, User, WireError } from '../types/protocol';
import { RUN_TIMEOUT_DEFAULT_S } from '../services/executor/protocol';
import { initialRunsSlice, reduceRunActions, type OutputEntryInput, type RunAction, type RunsSlice } from './runs';

export type { OutputEntry, OutputEntryInput, RunAction, RunState } from './runs';

/** What the page knows about the code runner. */
export interface RunnerStatus {
  /** `unknown` until GET /api/config answers; `disabled` when the operator turned execution off. */
  state: 'unknown' | 'disabled' | RunnerState;
  /** SharedArrayBuffer works in the runner (stop by interrupt, `input()`); null before it is ready. */
  isolated: boolean | null;
  message: string | null;
}

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

export interface CollabSessionState {
  status: ConnectionStatus;
  pending: number;
  self: User | null;
  participants: User[];
  /** User ids currently typing (from awareness). */
  typing: string[];
  language: string | null;
  title: string | null;
  expiresAt: string | null;
  /** Set when the session is gone or the join was refused. */
  ended: WireError | null;
  joinError: WireError | null;
  notice: Notice | null;
  /** Time limit of one run, in seconds (session setting). */
  runTimeoutSeconds: number;
  /** Compiler flags and SQL setup of runs (session setting). */
  runSettings: RunSettings;
  runner: RunnerStatus;
}

export type SessionState = CollabSessionState & RunsSlice;

export interface CollabSessionActions {
  reset: () => void;
  handle: (event: ProviderEvent) => void;
  setLanguage: (language: string) => void;
  setTitle: (title: string) => void;
  setExpiresAt: (expiresAt: string) => void;
  setTyping: (ids: string[]) => void;
  notify: (tone: Notice['tone'], text: string) => void;
  dismissNotice: () => void;
  clearJoinError: () => void;
  appendOutput: (entry: OutputEntryInput) => void;
  clearOutput: () => void;
  setRunTimeout: (seconds: number) => void;
  setRunSettings: (settings: RunSettings) => void;
  setRunner: (runner: RunnerStatus) => void;
  /** Queues run actions; they are applied together on the next frame. */
  dispatchRun: (action: RunAction) => void;
  /** Applies queued run actions now (tests, and before reading the state). */
  flushRuns: () => void;
}

export const initialSessionState: SessionState = {
  ...initialRunsSlice,
  status: 'connecting',
  pending: 0,
  self: null,
  participants: [],
  typing: [],
  language: null,
  title: null,
  expiresAt: null,
  ended: null,
  joinError: null,
  notice: null,
  runTimeoutSeconds: RUN_TIMEOUT_DEFAULT_S,
  runSettings: {},
  runner: { state: 'unknown', isolated: null, message: null },
};

let noticeId = 0;

/** Pure reducer for provider events (kept outside the store for tests). */
export function reduceProviderEvent(state: SessionState, event: ProviderEvent): Partial<SessionState> {
  switch (event.type) {
    case 'status':
      return { status: event.status };
    case 'pending':
      return { pending: event.count };
    case 'joined': {
      const next: Partial<SessionState> = {
        self: event.user,
        participants: event.participants,
        language: event.session.language,
        title: event.session.title,
        expiresAt: event.session.expires_at,
        joinError: null,
      };
      if (typeof event.session.run_timeout_seconds === 'number') next.runTimeoutSeconds = event.session.run_timeout_seconds;
      if (event.session.run_settings) next.runSettings = event.session.run_settings;
      // Runs of others may have finished while we were away.
      if (!event.firstJoin) Object.assign(next, reduceRunActions(state, [{ type: 'forget_remote' }]));
      return next;
    }
    case 'user_joined':
      return {
        participants: [...state.participants.filter((p) => p.id !== event.user.id), event.user],
      };
    case 'user_left':
      return {
        participants: state.participants.filter((p) => p.id !== event.id),
        typing: state.typing.filter((id) => id !== event.id),
        ...reduceRunActions(state, [{ type: 'member_left', by: event.id }]),
      };
    case 'language': {
      const who = state.participants.find((p) => p.id === event.by);
      const text = who ? `${who.name} switched the language` : 'The language was changed';
      return { language: event.language, notice: { id: ++noticeId, tone: 'info', text } };
    }
    case 'session': {
      const next: Partial<SessionState> = { title: event.title, expiresAt: event.expiresAt };
      if (event.runTimeoutSeconds !== undefined) next.runTimeoutSeconds = event.runTimeoutSeconds;
      if (event.runSettings) next.runSettings = event.runSettings;
      return next;
    }
    case 'join_failed':
      return { joinError: event.error };
    case 'ended':
      return { ended: event.error };
    case 'warning':
      return { notice: { id: ++noticeId, tone: 'error', text: event.error.message } };
    case 'execution': {
      const action = executionAction(state, event.event);
      return action ? reduceRunActions(state, [action]) : {};
    }
  }
}

/**
 * A relayed run event as a run action (null for our own echoes). The reducer
 * checks that output and results come from the member who started the run.
 */
export function executionAction(state: SessionState, event: ExecutionEvent, now = Date.now()): RunAction | null {
  if (state.self && event.by === state.self.id) return null;
  const from = event.by;
  switch (event.type) {
    case 'started': {
      const member = state.participants.find((p) => p.id === event.by);
      const name = event.name.trim() || member?.name || 'Someone';
      return { type: 'start', runId: event.run_id, local: false, by: event.by, name, language: event.language, at: now };
    }
    case 'output':
      return { type: 'output', runId: event.run_id, stream: event.stream, text: event.text, at: now, from };
    case 'finished': {
      const action: RunAction & { type: 'finish' } = {
        type: 'finish',
        runId: event.run_id,
        at: now,
        from,
        result: { status: event.status, exitCode: event.exit_code, durationMs: event.duration_ms },
      };
      if (event.error) action.result.error = event.error;
      return action;
    }
  }
}

/** Run actions waiting for the next frame. */
let pendingRuns: RunAction[] = [];
let flushScheduled = false;

function scheduleFlush(flush: () => void): void {
  if (flushScheduled) return;
  flushScheduled = true;
  const visible = typeof document === 'undefined' || document.visibilityState !== 'hidden';
  if (visible && typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 100);
}

export const useSessionStore = create<SessionState & CollabSessionActions>()((set, get) => ({
  ...initialSessionState,
  reset: () => {
    pendingRuns = [];
    set({ ...initialSessionState });
  },
  handle: (event) => {
    if (event.type === 'execution') {
      // Remote output may flood: batch it with the local run's.
      const action = executionAction(get(), event.event);
      if (action) get().dispatchRun(action);
      return;
    }
    get().flushRuns();
    set((state) => reduceProviderEvent(state, event));
  },
  setLanguage: (language) => set({ language }),
  setTitle: (title) => set({ title }),
  setExpiresAt: (expiresAt) => set({ expiresAt }),
  setTyping: (typing) =>
    set((state) =>
      state.typing.length === typing.length && state.typing.every((id, i) => id === typing[i]) ? state : { typing },
    ),
  notify: (tone, text) => set({ notice: { id: ++noticeId, tone, text } }),
  dismissNotice: () => set({ notice: null }),
  clearJoinError: () => set({ joinError: null }),
  appendOutput: (entry) => {
    get().flushRuns();
    set((state) => reduceRunActions(state, [{ type: 'append', entry }]));
  },
  clearOutput: () => {
    get().flushRuns();
    set((state) => reduceRunActions(state, [{ type: 'clear' }]));
  },
  setRunTimeout: (runTimeoutSeconds) => set({ runTimeoutSeconds }),
  setRunSettings: (runSettings) => set({ runSettings }),
  setRunner: (runner) => set({ runner }),
  dispatchRun: (action) => {
    pendingRuns.push(action);
    scheduleFlush(() => get().flushRuns());
  },
  flushRuns: () => {
    flushScheduled = false;
    if (pendingRuns.length === 0) return;
    const actions = pendingRuns;
    pendingRuns = [];
    set((state) => reduceRunActions(state, actions));
  },
}));

/** The label and tone of the connection light. */
export function connectionLabel(status: ConnectionStatus, pending: number): {
  tone: 'ok' | 'busy' | 'warn' | 'bad';
  label: string;
  detail: string;
} {
  switch (status) {
    case 'connected':
      return pending > 0
        ? { tone: 'ok', label: 'Connected', detail: 'Saving your latest edits…' }
        : { tone: 'ok', label: 'Connected', detail: 'All changes saved.' };
    case 'connecting':
      return { tone: 'busy', label: 'Connecting…', detail: 'Joining the session.' };
    case 'reconnecting':
      return pending > 0
        ? {
            tone: 'bad',
            label: 'Offline · edits pending',
            detail: `${pending} unsaved ${pending === 1 ? 'edit' : 'edits'}; they will be merged when the connection returns.`,
          }
        : { tone: 'warn', label: 'Reconnecting…', detail: 'Connection lost; retrying. You can keep typing.' };
    case 'closed':
      return { tone: 'bad', label: 'Disconnected', detail: 'This page is no longer connected.' };
  }
}
