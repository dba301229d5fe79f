/**
 * An in-memory stand-in for the Pairpad Socket.IO server, for unit tests of
 * the provider only. It keeps a server-side Y.Doc, answers join with the
 * state-vector diff, relays code_change / cursor_move / language_change and
 * announces user_joined / user_left, like docs/PROTOCOL.md says.
 */
import * as Y from 'yjs';
import type { CollabSocket, IncomingEvents } from '../../src/services/collab/transport';
import type {
  Ack,
  ClientToServerEvents,
  JoinAck,
  JoinAckOk,
  JoinRequest,
  User,
  WireError,
} from '../../src/types/protocol';

type Listener = (...args: never[]) => void;

/** Copies bytes into a fresh ArrayBuffer, as a browser receives them. */
const asArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

const COLORS = ['#e11d48', '#16a34a', '#2563eb', '#d97706', '#7c3aed', '#0891b2'];

export interface SentEvent {
  event: keyof ClientToServerEvents;
  args: unknown[];
}

export class FakeSocket implements CollabSocket {
  connected = false;
  readonly sent: SentEvent[] = [];
  private readonly handlers = new Map<string, Set<Listener>>();
  private readonly reconnectListeners = new Set<(attempt: number) => void>();
  /** The client called disconnect(): no automatic reconnection. */
  closedByClient = false;
  private readonly server: FakeServer;

  constructor(server: FakeServer) {
    this.server = server;
  }

  on<E extends keyof IncomingEvents>(event: E, listener: IncomingEvents[E]): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(listener as Listener);
  }

  off<E extends keyof IncomingEvents>(event: E, listener: IncomingEvents[E]): void {
    this.handlers.get(event)?.delete(listener as Listener);
  }

  listenerCount(): number {
    let n = this.reconnectListeners.size;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void {
    this.sent.push({ event, args });
    if (this.connected) this.server.receive(this, event, args as unknown[]);
  }

  onReconnectAttempt(listener: (attempt: number) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  connect(): void {
    this.closedByClient = false;
    this.server.attach(this);
  }

  disconnect(): void {
    this.closedByClient = true;
    if (!this.connected) return;
    this.connected = false;
    this.server.detach(this);
    this.fire('disconnect', 'io client disconnect');
  }

  /** Server → client delivery. */
  fire<E extends keyof IncomingEvents>(event: E, ...args: Parameters<IncomingEvents[E]>): void {
    for (const listener of [...(this.handlers.get(event) ?? [])]) (listener as (...a: unknown[]) => void)(...args);
  }

  /** Simulates the transport dropping (server restart, network loss). */
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.server.detach(this);
    this.fire('disconnect', 'transport close');
    for (const l of this.reconnectListeners) l(1);
  }

  countSent(event: keyof ClientToServerEvents): number {
    return this.sent.filter((s) => s.event === event).length;
  }
}

interface Member {
  user: User;
}

export class FakeServer {
  readonly doc = new Y.Doc();
  up = true;
  /** When false, code_change acks are held until releaseAcks(). */
  ackUpdates = true;
  /** Next code_change acks answer this error instead of storing. */
  failNextUpdates: WireError[] = [];
  password: string | null = null;
  token = 'interviewer-token';
  joinError: WireError | null = null;
  language = 'javascript';
  /** More fields of the join ack's `session` (e.g. run_settings, possibly malformed). */
  sessionExtra: Record<string, unknown> = {};
  readonly sockets = new Set<FakeSocket>();
  readonly members = new Map<FakeSocket, Member>();
  readonly heldAcks: Array<() => void> = [];
  private nextId = 1;

  socket = (): FakeSocket => new FakeSocket(this);

  attach(socket: FakeSocket): void {
    this.sockets.add(socket);
    if (!this.up) return;
    socket.connected = true;
    socket.fire('connect');
  }

  detach(socket: FakeSocket): void {
    this.leave(socket);
  }

  /** Drops every connection (the server went away). */
  crash(): void {
    this.up = false;
    for (const socket of this.sockets) socket.drop();
  }

  /** Comes back; sockets that did not close reconnect. */
  restart(): void {
    this.up = true;
    for (const socket of this.sockets) {
      if (!socket.connected && !socket.closedByClient) {
        socket.connected = true;
        socket.fire('connect');
      }
    }
  }

  releaseAcks(): void {
    for (const ack of this.heldAcks.splice(0)) ack();
  }

  /** Kicks every member with an `error` event then a server disconnect. */
  end(code: string, message = code): void {
    for (const socket of [...this.members.keys()]) {
      this.members.delete(socket);
      socket.fire('error', { code, message });
      socket.connected = false;
      socket.fire('disconnect', 'io server disconnect');
    }
  }

  text(): string {
    return this.doc.getText('code').toString();
  }

  private others(socket: FakeSocket): FakeSocket[] {
    return [...this.members.keys()].filter((s) => s !== socket && s.connected);
  }

  private leave(socket: FakeSocket): void {
    const member = this.members.get(socket);
    if (!member) return;
    this.members.delete(socket);
    for (const other of this.others(socket)) other.fire('user_left', { id: member.user.id });
  }

  receive(socket: FakeSocket, event: keyof ClientToServerEvents, args: unknown[]): void {
    switch (event) {
      case 'join': {
        const [req, ack] = args as [JoinRequest, (a: JoinAck) => void];
        if (this.joinError) return ack({ ok: false, error: this.joinError });
        if (this.members.has(socket))
          return ack({ ok: false, error: { code: 'already_joined', message: 'already joined' } });
        const interviewer = req.token === this.token;
        if (this.password !== null && !interviewer) {
          if (!req.password) return ack({ ok: false, error: { code: 'password_required', message: 'password' } });
          if (req.password !== this.password)
            return ack({ ok: false, error: { code: 'invalid_password', message: 'Wrong password.' } });
        }
        const user: User = {
          id: `u${this.nextId}`,
          name: req.name,
          color: COLORS[this.nextId % COLORS.length]!,
          role: interviewer ? 'interviewer' : 'candidate',
        };
        this.nextId++;
        this.members.set(socket, { user });
        const sv = req.state_vector ? new Uint8Array(req.state_vector) : undefined;
        ack({
          ok: true,
          user,
          participants: [...this.members.values()].map((m) => m.user),
          session: {
            id: 'session-1',
            title: 'Test',
            language: this.language,
            expires_at: '2030-01-01T00:00:00.000Z',
            ...this.sessionExtra,
          } as JoinAckOk['session'],
          update: asArrayBuffer(Y.encodeStateAsUpdate(this.doc, sv)),
          state_vector: asArrayBuffer(Y.encodeStateVector(this.doc)),
        });
        // The others hear of it after the ack has left (as over a network).
        for (const other of this.others(socket)) other.fire('user_joined', user);
        return;
      }
      case 'leave':
        this.leave(socket);
        return;
      case 'code_change': {
        const [update, ack] = args as [Uint8Array, ((a: Ack) => void) | undefined];
        if (!this.members.has(socket)) {
          ack?.({ ok: false, error: { code: 'not_joined', message: 'join first' } });
          return;
        }
        const failure = this.failNextUpdates.shift();
        if (failure) {
          ack?.({ ok: false, error: failure });
          return;
        }
        Y.applyUpdate(this.doc, update);
        for (const other of this.others(socket)) other.fire('code_change', asArrayBuffer(update));
        if (ack) {
          if (this.ackUpdates) ack({ ok: true });
          else this.heldAcks.push(() => socket.connected && ack({ ok: true }));
        }
        return;
      }
      case 'cursor_move': {
        const [update] = args as [Uint8Array];
        if (!this.members.has(socket)) return;
        for (const other of this.others(socket)) other.fire('cursor_move', asArrayBuffer(update));
        return;
      }
      case 'language_change': {
        const [payload, ack] = args as [{ language: string }, (a: Ack) => void];
        const member = this.members.get(socket);
        if (!member) return ack({ ok: false, error: { code: 'not_joined', message: 'join first' } });
        this.language = payload.language;
        for (const other of this.others(socket))
          other.fire('language_change', { language: payload.language, by: member.user.id });
        ack({ ok: true });
        return;
      }
    }
  }
}
