import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CollabProvider, type ProviderEvent } from '../src/services/collab/provider';
import { FakeServer, type FakeSocket } from './fakes/fakeServer';
import type { RunSettings } from '../src/types/api';

interface Client {
  doc: Y.Doc;
  awareness: Awareness;
  provider: CollabProvider;
  socket: FakeSocket;
  events: ProviderEvent[];
  text: () => string;
  type: (index: number, text: string) => void;
}

function client(server: FakeServer, options: { name?: string; token?: string; password?: string; connect?: boolean } = {}): Client {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  let socket!: FakeSocket;
  const provider = new CollabProvider({
    sessionId: 'session-1',
    name: options.name ?? 'Ada',
    token: options.token,
    password: options.password,
    doc,
    awareness,
    resyncDelayMs: 0,
    retryJoinDelayMs: 0,
    socketFactory: () => (socket = server.socket()),
  });
  const events: ProviderEvent[] = [];
  provider.subscribe((e) => events.push(e));
  if (options.connect !== false) provider.connect();
  return {
    doc,
    awareness,
    provider,
    socket,
    events,
    text: () => doc.getText('code').toString(),
    type: (index, text) => doc.getText('code').insert(index, text),
  };
}

const lastPending = (c: Client) => [...c.events].reverse().find((e) => e.type === 'pending');

describe('CollabProvider: joining', () => {
  it('joins with the name, token and state vector, then reports the join', () => {
    const server = new FakeServer();
    const c = client(server, { name: 'Grace', token: 'interviewer-token' });
    const join = c.socket.sent.find((s) => s.event === 'join')!;
    const request = join.args[0] as { session_id: string; name: string; token: string; state_vector: Uint8Array };
    expect(request.session_id).toBe('session-1');
    expect(request.name).toBe('Grace');
    expect(request.token).toBe('interviewer-token');
    expect(request.state_vector).toBeInstanceOf(Uint8Array);
    expect(c.provider.status).toBe('connected');
    const joined = c.events.find((e) => e.type === 'joined');
    expect(joined).toMatchObject({ type: 'joined', user: { name: 'Grace', role: 'interviewer' }, firstJoin: true });
  });

  it('applies the server document with itself as origin (nothing is echoed back)', () => {
    const server = new FakeServer();
    server.doc.getText('code').insert(0, 'print(1)');
    const c = client(server);
    expect(c.text()).toBe('print(1)');
    expect(c.socket.countSent('code_change')).toBe(0);
    expect(c.provider.pendingCount).toBe(0);
  });

  it('sends content that existed before the join as the diff against the server state vector', () => {
    const server = new FakeServer();
    server.doc.getText('code').insert(0, 'server ');
    const c = client(server, { connect: false });
    c.type(0, 'local ');
    c.provider.connect();
    expect(c.socket.countSent('code_change')).toBe(1);
    expect(server.text()).toBe(c.text());
    expect(server.text()).toContain('local ');
    expect(server.text()).toContain('server ');
  });

  it('reports a refused join and stops', () => {
    const server = new FakeServer();
    server.password = 'pw';
    const c = client(server, { password: 'nope' });
    expect(c.events).toContainEqual({ type: 'join_failed', error: { code: 'invalid_password', message: 'Wrong password.' } });
    expect(c.provider.status).toBe('closed');
  });

  it('treats session_expired on join as the end of the session', () => {
    const server = new FakeServer();
    server.joinError = { code: 'session_expired', message: 'This session has expired.' };
    const c = client(server);
    expect(c.events).toContainEqual({ type: 'ended', error: server.joinError });
    expect(c.provider.status).toBe('closed');
  });

  it('retries a join the server could not serve', () => {
    vi.useFakeTimers();
    try {
      const server = new FakeServer();
      server.joinError = { code: 'unavailable', message: 'try again' };
      const c = client(server);
      expect(c.provider.isJoined).toBe(false);
      server.joinError = null;
      vi.runOnlyPendingTimers();
      expect(c.provider.isJoined).toBe(true);
      expect(c.socket.countSent('join')).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('CollabProvider: editing', () => {
  it('sends every local update and counts it pending until the durable ack', () => {
    const server = new FakeServer();
    server.ackUpdates = false;
    const c = client(server);
    c.type(0, 'a');
    c.type(1, 'b');
    expect(c.socket.countSent('code_change')).toBe(2);
    expect(c.provider.pendingCount).toBe(2);
    server.releaseAcks();
    expect(c.provider.pendingCount).toBe(0);
    expect(lastPending(c)).toEqual({ type: 'pending', count: 0 });
  });

  it('applies remote updates without sending them back', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    a.type(0, 'hello');
    expect(b.text()).toBe('hello');
    expect(b.socket.countSent('code_change')).toBe(0);
  });

  it('keeps offline edits pending and merges them after reconnecting', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    a.type(0, 'shared');
    server.crash();
    expect(a.provider.status).toBe('reconnecting');
    a.type(6, ' A');
    b.type(0, 'B ');
    expect(a.provider.pendingCount).toBe(1);
    expect(b.provider.pendingCount).toBe(1);

    server.restart();
    expect(a.provider.status).toBe('connected');
    expect(a.provider.pendingCount).toBe(0);
    expect(b.provider.pendingCount).toBe(0);
    // b rejoined after a: b has everything; a gets b's diff relayed.
    expect(server.text()).toBe('B shared A');
    expect(a.text()).toBe(server.text());
    expect(b.text()).toBe(server.text());
    const rejoin = a.events.filter((e) => e.type === 'joined');
    expect(rejoin.map((e) => (e as { firstJoin: boolean }).firstJoin)).toEqual([true, false]);
  });

  it('counts unacknowledged updates as pending across a disconnect and resends them', () => {
    const server = new FakeServer();
    server.ackUpdates = false;
    const c = client(server);
    c.type(0, 'unsaved');
    expect(c.provider.pendingCount).toBe(1);
    server.crash(); // the ack never comes
    expect(c.provider.pendingCount).toBe(1);
    server.ackUpdates = true;
    server.restart();
    // The rejoin's diff carried it again, and that one was acknowledged.
    const resent = c.socket.sent.filter((s) => s.event === 'code_change');
    expect(resent).toHaveLength(2);
    expect(c.provider.pendingCount).toBe(0);
    expect(server.text()).toBe('unsaved');
  });

  it('re-syncs after the server refuses to store an update', async () => {
    const server = new FakeServer();
    const c = client(server);
    server.failNextUpdates.push({ code: 'storage_error', message: 'disk full' });
    c.type(0, 'x');
    expect(c.events).toContainEqual({ type: 'warning', error: { code: 'storage_error', message: 'disk full' } });
    expect(server.text()).toBe('');
    await new Promise((r) => setTimeout(r, 5));
    expect(c.socket.countSent('leave')).toBe(1);
    expect(c.socket.countSent('join')).toBe(2);
    expect(server.text()).toBe('x');
    expect(c.provider.pendingCount).toBe(0);
  });

  it('does not resend an update that is too large to ever be accepted', async () => {
    const server = new FakeServer();
    const c = client(server);
    server.failNextUpdates.push({ code: 'payload_too_large', message: 'too large' });
    c.type(0, 'huge');
    await new Promise((r) => setTimeout(r, 5));
    expect(c.socket.countSent('join')).toBe(1);
    expect(c.provider.pendingCount).toBe(1);
  });
});

describe('CollabProvider: presence and session events', () => {
  it('sends local awareness changes and applies remote ones', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    const sentByA = a.socket.countSent('cursor_move');
    const sentByB = b.socket.countSent('cursor_move');
    a.awareness.setLocalStateField('user', { id: 'u1', name: 'Ada' });
    expect(a.socket.countSent('cursor_move')).toBe(sentByA + 1);
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: 'Ada' } });
    // Applying a remote state is not echoed.
    expect(b.socket.countSent('cursor_move')).toBe(sentByB);
  });

  it('shows its cursor again to newcomers', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    a.awareness.setLocalStateField('selection', { anchor: 1, head: 1 });
    const b = client(server, { name: 'Grace' });
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ selection: { anchor: 1 } });
    expect(b.events).toContainEqual(expect.objectContaining({ type: 'joined' }));
    expect(a.events).toContainEqual(expect.objectContaining({ type: 'user_joined' }));
  });

  it('is accepted again by the others after a reconnect that removed its cursor', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    a.awareness.setLocalStateField('selection', { anchor: 2, head: 2 });
    const clock = a.awareness.meta.get(a.doc.clientID)!.clock;
    // What the real server tells the others when a member leaves: null at clock + 1.
    const removal = new Awareness(new Y.Doc());
    removal.clientID = a.doc.clientID;
    removal.meta.set(a.doc.clientID, { clock: clock + 1, lastUpdated: Date.now() });
    removal.states.delete(a.doc.clientID);
    b.socket.fire('cursor_move', encodeAwarenessUpdate(removal, [a.doc.clientID], new Map()).slice().buffer);
    expect(b.awareness.getStates().has(a.doc.clientID)).toBe(false);

    a.socket.drop();
    server.restart();
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ selection: { anchor: 2 } });
  });

  it('forgets remote cursors while disconnected', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    b.awareness.setLocalStateField('selection', { anchor: 0, head: 0 });
    expect(a.awareness.getStates().has(b.doc.clientID)).toBe(true);
    a.socket.drop();
    expect(a.awareness.getStates().has(b.doc.clientID)).toBe(false);
  });

  it('reports people joining and leaving', () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    expect(a.events).toContainEqual({ type: 'user_joined', user: expect.objectContaining({ name: 'Grace' }) });
    b.provider.destroy();
    expect(a.events).toContainEqual({ type: 'user_left', id: expect.any(String) });
  });

  it('changes the language for everyone and hears remote changes', async () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ada' });
    const b = client(server, { name: 'Grace' });
    await expect(a.provider.setLanguage('python')).resolves.toEqual({ ok: true });
    expect(b.events).toContainEqual({ type: 'language', language: 'python', by: a.provider.user!.id });
  });

  it('reports run settings changed through the REST API', () => {
    const server = new FakeServer();
    const c = client(server);
    const run_settings = { c_flags: '-O2', cpp_flags: '-std=c++17', sql_setup: 'CREATE TABLE t (x);' };
    c.socket.fire('session_updated', { title: 'T', expires_at: 'x', has_password: false, run_timeout_seconds: 20, run_settings });
    expect(c.events).toContainEqual({ type: 'session', title: 'T', expiresAt: 'x', runTimeoutSeconds: 20, runSettings: run_settings });
  });

  it('keeps only the known string fields of run settings', () => {
    const server = new FakeServer();
    const c = client(server);
    const run_settings = { c_flags: 3, cpp_flags: '-O0', extra: 'x', sql_setup: null } as unknown as RunSettings;
    c.socket.fire('session_updated', { title: 'T', expires_at: 'x', has_password: false, run_settings });
    expect(c.events).toContainEqual({ type: 'session', title: 'T', expiresAt: 'x', runSettings: { cpp_flags: '-O0' } });
  });

  it('ignores run settings that are not an object', () => {
    const server = new FakeServer();
    const c = client(server);
    c.socket.fire('session_updated', { title: 'T', expires_at: 'x', has_password: false, run_settings: '-O2' as unknown as RunSettings });
    expect(c.events).toContainEqual({ type: 'session', title: 'T', expiresAt: 'x' });
  });

  it('reports the run settings of the join ack, checked', () => {
    const server = new FakeServer();
    server.sessionExtra = { run_settings: { sql_setup: 'CREATE TABLE t (x);', c_flags: ['-O2'] } };
    const c = client(server);
    const joined = c.events.find((e) => e.type === 'joined');
    expect(joined?.type === 'joined' && joined.session.run_settings).toEqual({ sql_setup: 'CREATE TABLE t (x);' });
  });

  it('drops malformed run settings of the join ack', () => {
    const server = new FakeServer();
    server.sessionExtra = { run_settings: null };
    const c = client(server);
    const joined = c.events.find((e) => e.type === 'joined');
    expect(joined?.type === 'joined' && 'run_settings' in joined.session).toBe(false);
  });

  it('ends on session_deleted and closes the connection for good', () => {
    const server = new FakeServer();
    const c = client(server);
    server.end('session_deleted', 'The interviewer deleted this session.');
    expect(c.events).toContainEqual({ type: 'ended', error: { code: 'session_deleted', message: 'The interviewer deleted this session.' } });
    expect(c.provider.status).toBe('closed');
    server.restart();
    expect(c.socket.connected).toBe(false);
  });
});

describe('CollabProvider: disposal', () => {
  it('leaves, disconnects and drops every subscription', () => {
    const server = new FakeServer();
    const c = client(server);
    c.provider.destroy();
    expect(c.socket.countSent('leave')).toBe(1);
    expect(c.socket.connected).toBe(false);
    expect(c.socket.listenerCount()).toBe(0);
    const sent = c.socket.sent.length;
    c.type(0, 'after destroy');
    c.awareness.setLocalStateField('x', 1);
    expect(c.socket.sent.length).toBe(sent);
  });
});
