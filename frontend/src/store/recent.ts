/** Sessions created in this browser, with their interviewer links (localStorage). */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { CreatedSession } from '../types/api';

export interface RecentSession {
  id: string;
  title: string;
  language: string;
  created_at: string;
  expires_at: string;
  has_password: boolean;
  join_url: string;
  interviewer_url: string;
}

export const RECENT_LIMIT = 20;

export interface RecentState {
  sessions: RecentSession[];
  add: (session: CreatedSession) => void;
  update: (id: string, patch: Partial<Omit<RecentSession, 'id'>>) => void;
  remove: (id: string) => void;
}

export function toRecent(s: CreatedSession): RecentSession {
  return {
    id: s.id,
    title: s.title,
    language: s.language,
    created_at: s.created_at,
    expires_at: s.expires_at,
    has_password: s.has_password,
    join_url: s.join_url,
    interviewer_url: s.interviewer_url,
  };
}

export const useRecent = create<RecentState>()(
  persist(
    (set) => ({
      sessions: [],
      add: (session) =>
        set((state) => ({
          sessions: [toRecent(session), ...state.sessions.filter((s) => s.id !== session.id)].slice(0, RECENT_LIMIT),
        })),
      update: (id, patch) =>
        set((state) => ({
          sessions: state.sessions.map((s) => (s.id === id ? { ...s, ...patch } : s)),
        })),
      remove: (id) => set((state) => ({ sessions: state.sessions.filter((s) => s.id !== id) })),
    }),
    { name: 'pairpad.recent', version: 1 },
  ),
);
