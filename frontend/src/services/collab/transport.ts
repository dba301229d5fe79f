/**
 * The one module that imports socket.io-client (enforced by ESLint). It wraps
 * a Socket.IO socket in the small typed surface the provider needs, so unit
 * tests can hand the provider a fake transport instead.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../types/protocol';

/** Reserved Socket.IO lifecycle events, typed like the wire events. */
export interface LifecycleEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (error: Error) => void;
}

export type IncomingEvents = ServerToClientEvents & LifecycleEvents;

export interface CollabSocket {
  readonly connected: boolean;
  on<E extends keyof IncomingEvents>(event: E, listener: IncomingEvents[E]): void;
  off<E extends keyof IncomingEvents>(event: E, listener: IncomingEvents[E]): void;
  emit<E extends keyof ClientToServerEvents>(
    event: E,
    ...args: Parameters<ClientToServerEvents[E]>
  ): void;
  /** Listens to the manager's reconnection attempts; returns an unsubscribe. */
  onReconnectAttempt(listener: (attempt: number) => void): () => void;
  connect(): void;
  /** Closes for good: no automatic reconnection afterwards. */
  disconnect(): void;
}

export type SocketFactory = () => CollabSocket;

export interface SocketIoOptions {
  /** Origin of the server; defaults to the page's origin. */
  url?: string;
}

export function createSocketIoTransport(options: SocketIoOptions = {}): CollabSocket {
  const opts = {
    path: '/socket.io/',
    // WebSocket first (one round trip less); long-polling if it fails.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 400,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.3,
    timeout: 10_000,
  };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> =
    options.url === undefined ? io(opts) : io(options.url, opts);

  // Events emitted while disconnected would be flushed on reconnect before
  // the provider has re-joined (the server answers `not_joined`); the
  // provider resends everything through the state-vector diff instead.
  const dropBuffered = () => {
    socket.sendBuffer.length = 0;
  };
  socket.on('disconnect', dropBuffered);

  type AnyListener = (...args: never[]) => void;
  return {
    get connected() {
      return socket.connected;
    },
    on(event, listener) {
      (socket.on as (e: string, l: AnyListener) => void)(event, listener as AnyListener);
    },
    off(event, listener) {
      (socket.off as (e: string, l: AnyListener) => void)(event, listener as AnyListener);
    },
    emit(event, ...args) {
      (socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args);
    },
    onReconnectAttempt(listener) {
      socket.io.on('reconnect_attempt', listener);
      return () => {
        socket.io.off('reconnect_attempt', listener);
      };
    },
    connect() {
      socket.connect();
    },
    disconnect() {
      socket.off('disconnect', dropBuffered);
      socket.disconnect();
    },
  };
}
