/** UI state of the open session: connection, people, language, output. */
import { create } from 'zustand';
import type { ConnectionStatus, ProviderEvent } from '../services/collab/provider';
import type { User, WireError } from '../types/protocol';

/** One line (or event) of the output panel. */
export type OutputEntry =
  | { kind: 'stdout'; text: string }
  | { kind: 'stderr'; text: string }
  | { kind: 'exit'; code: number; durationMs: number }
  | { kind: 'info'; text: string };

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
  output: OutputEntry[];
}

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
  appendOutput: (entry: OutputEntry) => void;
  clearOutput: () => void;
}

export const initialSessionState: CollabSessionState = {
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
  output: [],
};

let noticeId = 0;

/** Pure reducer for provider events (kept outside the store for tests). */
export function reduceProviderEvent(state: CollabSessionState, event: ProviderEvent): Partial<CollabSessionState> {
  switch (event.type) {
    case 'status':
      return { status: event.status };
    case 'pending':
      return { pending: event.count };
    case 'joined':
      return {
        self: event.user,
        participants: event.participants,
        language: event.session.language,
        title: event.session.title,
        expiresAt: event.session.expires_at,
        joinError: null,
      };
    case 'user_joined':
      return {
        participants: [...state.participants.filter((p) => p.id !== event.user.id), event.user],
      };
    case 'user_left':
      return {
        participants: state.participants.filter((p) => p.id !== event.id),
        typing: state.typing.filter((id) => id !== event.id),
      };
    case 'language': {
      const who = state.participants.find((p) => p.id === event.by);
      const text = who ? `${who.name} switched the language` : 'The language was changed';
      return { language: event.language, notice: { id: ++noticeId, tone: 'info', text } };
    }
    case 'session':
      return { title: event.title, expiresAt: event.expiresAt };
    case 'join_failed':
      return { joinError: event.error };
    case 'ended':
      return { ended: event.error };
    case 'warning':
      return { notice: { id: ++noticeId, tone: 'error', text: event.error.message } };
    case 'execution':
      return {};
  }
}

export const useSessionStore = create<CollabSessionState & CollabSessionActions>()((set) => ({
  ...initialSessionState,
  reset: () => set({ ...initialSessionState }),
  handle: (event) => set((state) => reduceProviderEvent(state, event)),
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
  appendOutput: (entry) => set((state) => ({ output: [...state.output, entry] })),
  clearOutput: () => set({ output: [] }),
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
