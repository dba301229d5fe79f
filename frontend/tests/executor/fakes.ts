/** A synchronous stand-in for MessageChannel: what one port posts, the other's listeners get at once. */
export class FakePort {
  other: FakePort | null = null;
  closed = false;
  started = false;
  /** Everything posted *to* this port (i.e. by the other side). */
  readonly received: unknown[] = [];
  private readonly listeners = new Set<(event: { data: unknown }) => void>();

  postMessage(data: unknown): void {
    if (this.closed || !this.other || this.other.closed) return;
    this.other.received.push(data);
    for (const listener of [...this.other.listeners]) listener({ data });
  }

  addEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
    this.listeners.delete(listener);
  }

  start(): void {
    this.started = true;
  }

  close(): void {
    this.closed = true;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export interface FakeChannel {
  port1: FakePort;
  port2: FakePort;
}

export function fakeChannel(): FakeChannel {
  const port1 = new FakePort();
  const port2 = new FakePort();
  port1.other = port2;
  port2.other = port1;
  return { port1, port2 };
}
