import { beforeEach, describe, expect, it } from 'vitest';
import { connectionLabel, initialSessionState, reduceProviderEvent, useSessionStore } from '../src/store/session';
import { FONT_SIZE_MAX, FONT_SIZE_MIN, usePrefs } from '../src/store/prefs';
import { RECENT_LIMIT, useRecent } from '../src/store/recent';
import type { CreatedSession } from '../src/types/api';
import type { User } from '../src/types/protocol';

const ada: User = { id: 'a', name: 'Ada', color: '#e11d48', role: 'interviewer' };
const grace: User = { id: 'g', name: 'Grace', color: '#16a34a', role: 'candidate' };

describe('session store', () => {
  beforeEach(() => useSessionStore.getState().reset());

  it('takes user, participants and session fields from a join', () => {
    const next = reduceProviderEvent(initialSessionState, {
      type: 'joined',
      user: ada,
      participants: [ada, grace],
      session: { id: 's', title: 'T', language: 'go', expires_at: '2030-01-01T00:00:00.000Z' },
      firstJoin: true,
    });
    expect(next).toMatchObject({ self: ada, participants: [ada, grace], language: 'go', title: 'T' });
  });

  it('takes a new title and lifetime from session_updated', () => {
    const next = reduceProviderEvent(initialSessionState, {
      type: 'session',
      title: 'Renamed',
      expiresAt: '2031-02-03T04:05:06.789Z',
    });
    expect(next).toEqual({ title: 'Renamed', expiresAt: '2031-02-03T04:05:06.789Z' });
  });

  it('adds and removes participants without duplicates', () => {
    const store = useSessionStore.getState();
    store.handle({ type: 'user_joined', user: grace });
    store.handle({ type: 'user_joined', user: grace });
    expect(useSessionStore.getState().participants).toEqual([grace]);
    store.setTyping(['g']);
    store.handle({ type: 'user_left', id: 'g' });
    expect(useSessionStore.getState().participants).toEqual([]);
    expect(useSessionStore.getState().typing).toEqual([]);
  });

  it('names who changed the language', () => {
    const store = useSessionStore.getState();
    store.handle({ type: 'user_joined', user: grace });
    store.handle({ type: 'language', language: 'rust', by: 'g' });
    expect(useSessionStore.getState().language).toBe('rust');
    expect(useSessionStore.getState().notice?.text).toBe('Grace switched the language');
  });

  it('records the end of the session and refused joins', () => {
    const store = useSessionStore.getState();
    store.handle({ type: 'ended', error: { code: 'session_deleted', message: 'gone' } });
    store.handle({ type: 'join_failed', error: { code: 'room_full', message: 'full' } });
    expect(useSessionStore.getState().ended?.code).toBe('session_deleted');
    expect(useSessionStore.getState().joinError?.code).toBe('room_full');
  });

  it('describes the connection light', () => {
    expect(connectionLabel('connected', 0)).toMatchObject({ tone: 'ok', label: 'Connected' });
    expect(connectionLabel('reconnecting', 0)).toMatchObject({ tone: 'warn', label: 'Reconnecting…' });
    expect(connectionLabel('reconnecting', 3)).toMatchObject({ tone: 'bad', label: 'Offline · edits pending' });
    expect(connectionLabel('reconnecting', 3).detail).toContain('3 unsaved edits');
  });

  it('keeps output entries until cleared', () => {
    const store = useSessionStore.getState();
    store.appendOutput({ kind: 'stdout', text: 'hi\n' });
    store.appendOutput({ kind: 'exit', code: 0, durationMs: 12 });
    expect(useSessionStore.getState().output).toHaveLength(2);
    store.clearOutput();
    expect(useSessionStore.getState().output).toEqual([]);
  });
});

describe('prefs store', () => {
  it('clamps the font size', () => {
    usePrefs.getState().setFontSize(100);
    expect(usePrefs.getState().fontSize).toBe(FONT_SIZE_MAX);
    usePrefs.getState().setFontSize(1);
    expect(usePrefs.getState().fontSize).toBe(FONT_SIZE_MIN);
    usePrefs.getState().changeFontSize(+2);
    expect(usePrefs.getState().fontSize).toBe(FONT_SIZE_MIN + 2);
  });

  it('cycles the theme and persists it in localStorage', () => {
    usePrefs.setState({ theme: 'system' });
    usePrefs.getState().cycleTheme();
    expect(usePrefs.getState().theme).toBe('light');
    usePrefs.getState().cycleTheme();
    expect(usePrefs.getState().theme).toBe('dark');
    expect(JSON.parse(localStorage.getItem('pairpad.prefs')!).state.theme).toBe('dark');
    usePrefs.getState().cycleTheme();
    expect(usePrefs.getState().theme).toBe('system');
  });

  it('remembers the trimmed name', () => {
    usePrefs.getState().setName('  Ada  ');
    expect(usePrefs.getState().name).toBe('Ada');
  });
});

describe('recent sessions store', () => {
  const session = (i: number): CreatedSession => ({
    id: `id-${i}`,
    title: `S${i}`,
    language: 'go',
    code: '',
    created_at: '2026-01-01T00:00:00.000Z',
    expires_at: '2030-01-01T00:00:00.000Z',
    has_password: false,
    is_active: true,
    interviewer_token: 'secret',
    join_url: `http://x/s/id-${i}`,
    interviewer_url: `http://x/s/id-${i}#token=secret`,
  });

  beforeEach(() => useRecent.setState({ sessions: [] }));

  it('keeps the newest first, without duplicates, up to a limit', () => {
    for (let i = 0; i < RECENT_LIMIT + 5; i++) useRecent.getState().add(session(i));
    useRecent.getState().add(session(RECENT_LIMIT + 4));
    const ids = useRecent.getState().sessions.map((s) => s.id);
    expect(ids).toHaveLength(RECENT_LIMIT);
    expect(ids[0]).toBe(`id-${RECENT_LIMIT + 4}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stores the interviewer link but not the bare token', () => {
    useRecent.getState().add(session(1));
    const stored = useRecent.getState().sessions[0]!;
    expect(stored.interviewer_url).toContain('#token=secret');
    expect(stored).not.toHaveProperty('interviewer_token');
  });

  it('updates and forgets entries', () => {
    useRecent.getState().add(session(1));
    useRecent.getState().update('id-1', { title: 'Renamed' });
    expect(useRecent.getState().sessions[0]!.title).toBe('Renamed');
    useRecent.getState().remove('id-1');
    expect(useRecent.getState().sessions).toEqual([]);
  });
});
