/**
 * A small Yjs provider over the Pairpad Socket.IO protocol (docs/PROTOCOL.md).
 *
 * - join: sends our state vector, applies the server's diff, then sends the
 *   server everything it lacks (`encodeStateAsUpdate(doc, serverStateVector)`),
 *   which also covers every edit made while offline.
 * - every local Yjs update (origin other than this provider) goes out as
 *   `code_change`; it stays "pending" until the server acknowledges that it
 *   is durable.
 * - remote `code_change` / `cursor_move` are applied with this provider as
 *   origin, so they are never echoed back nor tracked by the undo manager.
 */
import * as Y from 'yjs';
import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
  type Awareness,
} from 'y-protocols/awareness';
import {
  SOCKET_ERROR,
  TERMINAL_CODES,
  toBytes,
  type Ack,
  type Binary,
  parseExecutionEvent,
  parseRunSettings,
  type ExecutionEvent,
  type ExecutionEventOut,
  type JoinAck,
  type JoinedSession,
  type JoinRequest,
  type LanguageChangeIn,
  type SessionUpdated,
  type User,
  type UserLeft,
  type WireError,
} from '../../types/protocol';
import type { RunSettings } from '../../types/api';
import { createSocketIoTransport, type CollabSocket, type SocketFactory } from './transport';

export type ConnectionStatus =
  /** Before the first successful join. */
  | 'connecting'
  /** Joined: edits flow both ways. */
  | 'connected'
  /** Lost the connection; retrying on its own. Local edits keep working. */
  | 'reconnecting'
  /** Gone for good (session ended, join refused, or destroyed). */
  | 'closed';

export type ProviderEvent =
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'pending'; count: number }
  | {
      type: 'joined';
      user: User;
      participants: User[];
      session: JoinedSession;
      firstJoin: boolean;
    }
  | { type: 'user_joined'; user: User }
  | { type: 'user_left'; id: string }
  | { type: 'language'; language: string; by: string | null }
  /** Title, lifetime or run settings changed through the REST API. */
  | { type: 'session'; title: string; expiresAt: string; runTimeoutSeconds?: number; runSettings?: RunSettings }
  /** The server refused the join (wrong password, room full, …). */
  | { type: 'join_failed'; error: WireError }
  /** The session is gone (deleted, expired, ended, unknown). */
  | { type: 'ended'; error: WireError }
  /** Something failed but the provider carries on. */
  | { type: 'warning'; error: WireError }
  | { type: 'execution'; event: ExecutionEvent };

export type ProviderListener = (event: ProviderEvent) => void;

export interface CollabProviderOptions {
  sessionId: string;
  name: string;
  password?: string;
  token?: string;
  doc: Y.Doc;
  awareness: Awareness;
  socketFactory?: SocketFactory;
  /** Delay before re-syncing after the server refused an update. */
  resyncDelayMs?: number;
  /** Delay before retrying a join the server could not serve (`unavailable`). */
  retryJoinDelayMs?: number;
}

/** Errors after which resending the same content cannot succeed. */
const NON_RETRYABLE_UPDATE_ERRORS: ReadonlySet<string> = new Set([
  SOCKET_ERROR.payloadTooLarge,
  SOCKET_ERROR.documentTooLarge,
]);

/** The join ack's session with `run_settings` checked (dropped when malformed). */
function checkedSession(session: JoinedSession): JoinedSession {
  if (session.run_settings === undefined) return session;
  const { run_settings: raw, ...rest } = session;
  const runSettings = parseRunSettings(raw);
  return runSettings ? { ...rest, run_settings: runSettings } : rest;
}

/** True when `local` holds structs that `remote` (a state vector) lacks. */
function hasStructsMissingFrom(doc: Y.Doc, remote: Uint8Array): boolean {
  const theirs = Y.decodeStateVector(remote);
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if ((theirs.get(client) ?? 0) < clock) return true;
  }
  return false;
}

export class CollabProvider {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;

  private readonly options: CollabProviderOptions;
  private readonly socket: CollabSocket;
  private readonly listeners = new Set<ProviderListener>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly unsubscribeReconnect: () => void;

  /** Bumped on every join attempt and disconnect: stale acks are ignored. */
  private generation = 0;
  private joined = false;
  private joinedOnce = false;
  private finished = false;
  private statusValue: ConnectionStatus = 'connecting';
  private selfUser: User | null = null;

  /** Sequence numbers of sent updates the server has not acknowledged yet. */
  private readonly inflight = new Set<number>();
  private nextSeq = 1;
  /** Local updates made while not joined; the next join's diff covers them. */
  private unsent = 0;

  constructor(options: CollabProviderOptions) {
    this.options = options;
    this.doc = options.doc;
    this.awareness = options.awareness;
    this.socket = (options.socketFactory ?? (() => createSocketIoTransport()))();

    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on('code_change', this.onRemoteUpdate);
    this.socket.on('cursor_move', this.onRemoteAwareness);
    this.socket.on('user_joined', this.onUserJoined);
    this.socket.on('user_left', this.onUserLeft);
    this.socket.on('language_change', this.onLanguageChange);
    this.socket.on('session_updated', this.onSessionUpdated);
    this.socket.on('execution', this.onExecution);
    this.socket.on('error', this.onServerError);
    this.unsubscribeReconnect = this.socket.onReconnectAttempt(this.onReconnectAttempt);
    this.doc.on('update', this.onLocalUpdate);
    this.awareness.on('update', this.onLocalAwareness);
  }

  /** Starts connecting; subscribe first to see every event. */
  connect(): void {
    if (!this.finished) this.socket.connect();
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** Local edits the server has not confirmed as durable. */
  get pendingCount(): number {
    return this.inflight.size + this.unsent;
  }

  get user(): User | null {
    return this.selfUser;
  }

  get isJoined(): boolean {
    return this.joined;
  }

  subscribe(listener: ProviderListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Changes the session language for everyone. */
  setLanguage(language: string): Promise<Ack> {
    if (!this.joined) {
      return Promise.resolve({
        ok: false,
        error: { code: SOCKET_ERROR.notJoined, message: 'Not connected.' },
      });
    }
    return new Promise((resolve) => {
      this.socket.emit('language_change', { language }, resolve);
    });
  }

  /**
   * Shares one run event with the room (fire and forget: the server relays it
   * with our member id). False when not joined; the event is then dropped,
   * as a run's live output has no value later.
   */
  sendExecution(event: ExecutionEventOut): boolean {
    if (!this.joined || !this.socket.connected) return false;
    this.socket.emit('execution', event);
    return true;
  }

  /** Leaves the room, closes the connection and drops every subscription. */
  destroy(): void {
    if (this.joined && this.socket.connected) this.socket.emit('leave');
    this.finish();
    this.listeners.clear();
  }

  // ---- internals ----------------------------------------------------------

  private emit(event: ProviderEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.emit({ type: 'status', status });
  }

  private emitPending(): void {
    this.emit({ type: 'pending', count: this.pendingCount });
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.finished) fn();
    }, ms);
    this.timers.add(timer);
  }

  private remoteClientIds(): number[] {
    return [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
  }

  /** Stops for good; listeners stay so that they can see the last events. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.joined = false;
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('connect_error', this.onConnectError);
    this.socket.off('code_change', this.onRemoteUpdate);
    this.socket.off('cursor_move', this.onRemoteAwareness);
    this.socket.off('user_joined', this.onUserJoined);
    this.socket.off('user_left', this.onUserLeft);
    this.socket.off('language_change', this.onLanguageChange);
    this.socket.off('session_updated', this.onSessionUpdated);
    this.socket.off('execution', this.onExecution);
    this.socket.off('error', this.onServerError);
    this.unsubscribeReconnect();
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.off('update', this.onLocalAwareness);
    this.socket.disconnect();
    removeAwarenessStates(this.awareness, this.remoteClientIds(), this);
    this.setStatus('closed');
  }

  private join(): void {
    const generation = ++this.generation;
    const request: JoinRequest = {
      session_id: this.options.sessionId,
      name: this.options.name,
      state_vector: Y.encodeStateVector(this.doc),
    };
    if (this.options.password) request.password = this.options.password;
    if (this.options.token) request.token = this.options.token;
    this.socket.emit('join', request, (ack: JoinAck) => {
      if (generation === this.generation && !this.finished) this.onJoinAck(ack);
    });
  }

  private onJoinAck(ack: JoinAck): void {
    if (!ack.ok) {
      const { error } = ack;
      if (TERMINAL_CODES.has(error.code)) {
        this.emit({ type: 'ended', error });
        this.finish();
      } else if (error.code === SOCKET_ERROR.unavailable) {
        this.emit({ type: 'warning', error });
        this.later(() => {
          if (this.socket.connected && !this.joined) this.join();
        }, this.options.retryJoinDelayMs ?? 2000);
      } else {
        this.emit({ type: 'join_failed', error });
        this.finish();
      }
      return;
    }

    const hadPending = this.pendingCount > 0;
    Y.applyUpdate(this.doc, toBytes(ack.update), this);
    this.joined = true;
    // Acks of the previous connection will never come; the diff below
    // carries everything they (and offline edits) contained.
    this.inflight.clear();
    this.unsent = 0;
    const serverVector = toBytes(ack.state_vector);
    if (hadPending || hasStructsMissingFrom(this.doc, serverVector)) {
      this.sendUpdate(Y.encodeStateAsUpdate(this.doc, serverVector));
    } else {
      this.emitPending();
    }

    this.selfUser = ack.user;
    const firstJoin = !this.joinedOnce;
    this.joinedOnce = true;
    this.setStatus('connected');
    this.emit({
      type: 'joined',
      user: ack.user,
      participants: ack.participants,
      session: checkedSession(ack.session),
      firstJoin,
    });
    this.announceAwareness(true);
  }

  private sendUpdate(update: Uint8Array): void {
    if (!this.joined || !this.socket.connected) {
      this.unsent++;
      this.emitPending();
      return;
    }
    const seq = this.nextSeq++;
    const generation = this.generation;
    this.inflight.add(seq);
    this.emitPending();
    this.socket.emit('code_change', update, (ack: Ack) => {
      if (generation !== this.generation || this.finished) return;
      if (ack.ok) {
        this.inflight.delete(seq);
        this.emitPending();
        return;
      }
      // Not stored: it stays pending. Re-join to resend the diff, unless
      // resending cannot help.
      this.emit({ type: 'warning', error: ack.error });
      if (!NON_RETRYABLE_UPDATE_ERRORS.has(ack.error.code)) this.scheduleResync();
    });
  }

  private resyncScheduled = false;

  private scheduleResync(): void {
    if (this.resyncScheduled) return;
    this.resyncScheduled = true;
    this.later(() => {
      this.resyncScheduled = false;
      if (!this.joined || !this.socket.connected) return; // the next join resyncs
      this.joined = false;
      this.generation++;
      this.socket.emit('leave');
      this.join();
    }, this.options.resyncDelayMs ?? 1000);
  }

  /**
   * Re-sends our awareness state (cursor, name). After a reconnect the others
   * hold a removal of our client id at our old clock + 1, so the clock jumps
   * by two to be accepted again.
   */
  private announceAwareness(afterJoin: boolean): void {
    const state = this.awareness.getLocalState();
    if (state === null) return;
    if (afterJoin) {
      const meta = this.awareness.meta.get(this.doc.clientID);
      if (meta) meta.clock++;
    }
    this.awareness.setLocalState({ ...state });
  }

  // ---- handlers (arrow functions: stable identities for off()) -------------

  private readonly onConnect = (): void => {
    this.join();
  };

  private readonly onDisconnect = (reason: string): void => {
    this.generation++;
    this.joined = false;
    this.unsent += this.inflight.size;
    this.inflight.clear();
    removeAwarenessStates(this.awareness, this.remoteClientIds(), this);
    this.setStatus(this.joinedOnce ? 'reconnecting' : 'connecting');
    this.emitPending();
    if (reason === 'io server disconnect') {
      // The server closed the namespace without saying why (an `error`
      // event would have finished us first): Socket.IO will not retry by
      // itself in this case, so do it.
      this.later(() => this.socket.connect(), this.options.retryJoinDelayMs ?? 2000);
    }
  };

  private readonly onConnectError = (): void => {
    this.setStatus(this.joinedOnce ? 'reconnecting' : 'connecting');
  };

  private readonly onReconnectAttempt = (): void => {
    this.setStatus(this.joinedOnce ? 'reconnecting' : 'connecting');
  };

  private readonly onRemoteUpdate = (update: Binary): void => {
    if (!this.joined) return;
    Y.applyUpdate(this.doc, toBytes(update), this);
  };

  private readonly onRemoteAwareness = (update: Binary): void => {
    if (!this.joined) return;
    applyAwarenessUpdate(this.awareness, toBytes(update), this);
  };

  private readonly onUserJoined = (user: User): void => {
    this.emit({ type: 'user_joined', user });
    // The server does not replay cursors to newcomers: show ours again.
    if (this.joined) this.announceAwareness(false);
  };

  private readonly onUserLeft = (payload: UserLeft): void => {
    this.emit({ type: 'user_left', id: payload.id });
  };

  private readonly onSessionUpdated = (payload: SessionUpdated): void => {
    const event: ProviderEvent = { type: 'session', title: payload.title, expiresAt: payload.expires_at };
    if (typeof payload.run_timeout_seconds === 'number') event.runTimeoutSeconds = payload.run_timeout_seconds;
    const runSettings = parseRunSettings(payload.run_settings);
    if (runSettings) event.runSettings = runSettings;
    this.emit(event);
  };

  private readonly onLanguageChange = (payload: LanguageChangeIn): void => {
    this.emit({ type: 'language', language: payload.language, by: payload.by ?? null });
  };

  private readonly onExecution = (payload: unknown): void => {
    if (!this.joined) return;
    const event = parseExecutionEvent(payload);
    if (event) this.emit({ type: 'execution', event });
  };

  private readonly onServerError = (error: WireError): void => {
    if (TERMINAL_CODES.has(error.code)) {
      this.emit({ type: 'ended', error });
      this.finish();
      return;
    }
    // `not_joined` answers events that raced a reconnect: harmless.
    if (error.code !== SOCKET_ERROR.notJoined) this.emit({ type: 'warning', error });
  };

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    this.sendUpdate(update);
  };

  private readonly onLocalAwareness = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.joined || !this.socket.connected) return;
    const self = this.doc.clientID;
    if (
      !change.added.includes(self) &&
      !change.updated.includes(self) &&
      !change.removed.includes(self)
    ) {
      return;
    }
    this.socket.emit('cursor_move', encodeAwarenessUpdate(this.awareness, [self]));
  };
}
