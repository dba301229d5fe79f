// The two collaboration clients the benchmark drives. Both hold a Y.Doc
// whose shared text is doc.getText("code") and expose connect()/close().
//
// PairpadClient speaks Pairpad's wire contract (shared/PROTOCOL.md) with the
// real socket.io-client: join with the local state vector, apply the
// server's diff, send the local diff, then one "code_change" (with an ack)
// per local Yjs update and apply every received one. It drives both pairpad
// and the baseline server.
//
// HocusClient is @hocuspocus/provider with `ws` as its WebSocket.
import { io } from "socket.io-client";
import * as Y from "yjs";
import WebSocket from "ws";
import { HocuspocusProvider } from "@hocuspocus/provider";

export const REMOTE = Symbol("remote");

/** Counters shared by all clients of a worker. */
export function newCounters() {
  return { acked: 0, ackErrors: 0, firstAckError: null, serverErrors: 0, firstServerError: null, disconnects: 0 };
}

export class PairpadClient {
  constructor(url, sessionId, name, counters) {
    this.url = url;
    this.sessionId = sessionId;
    this.name = name;
    this.k = counters;
    this.doc = new Y.Doc();
    this.text = this.doc.getText("code");
    this.closing = false;
    this.sent = 0;
    this.answered = 0;
  }

  async connect(timeoutMs = 30000) {
    const s = io(this.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    this.socket = s;
    await new Promise((resolve, reject) => {
      s.once("connect", resolve);
      s.once("connect_error", reject);
    });
    s.on("disconnect", (reason) => {
      if (!this.closing) this.k.disconnects++;
      this.disconnectReason = reason;
    });
    s.on("error", (e) => {
      this.k.serverErrors++;
      this.k.firstServerError ??= JSON.stringify(e);
    });
    s.on("code_change", (u) => Y.applyUpdate(this.doc, u, REMOTE));
    const ack = await s.timeout(timeoutMs).emitWithAck("join", {
      session_id: this.sessionId,
      name: this.name,
      state_vector: Y.encodeStateVector(this.doc),
    });
    if (!ack?.ok) throw new Error(`join refused: ${JSON.stringify(ack?.error)}`);
    Y.applyUpdate(this.doc, ack.update, REMOTE);
    const diff = Y.encodeStateAsUpdate(this.doc, ack.state_vector);
    this.doc.on("update", (u, origin) => {
      if (origin !== REMOTE) this._send(u);
    });
    if (diff.length > 2) this._send(diff); // [0,0] is the empty update
  }

  _send(u) {
    this.sent++;
    this.socket.emit("code_change", u, (res) => {
      this.answered++;
      if (res?.ok) this.k.acked++;
      else {
        this.k.ackErrors++;
        this.k.firstAckError ??= JSON.stringify(res);
      }
    });
  }

  /** Local updates sent but not yet answered. */
  unacked() {
    return this.sent - this.answered;
  }

  close() {
    this.closing = true;
    this.socket?.disconnect();
    this.doc.destroy();
  }
}

export class HocusClient {
  constructor(url, sessionId, name, counters) {
    this.url = url.replace(/^http/, "ws");
    this.sessionId = sessionId;
    this.name = name;
    this.k = counters;
    this.doc = new Y.Doc();
    this.text = this.doc.getText("code");
    this.closing = false;
  }

  async connect(timeoutMs = 30000) {
    let timer;
    await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error("hocuspocus: not synced in time")), timeoutMs);
      this.provider = new HocuspocusProvider({
        url: this.url,
        name: this.sessionId,
        document: this.doc,
        WebSocketPolyfill: WebSocket,
        // Pairpad's clients here send no cursors either.
        awareness: null,
        onSynced: () => resolve(),
        onAuthenticationFailed: ({ reason }) => reject(new Error(`hocuspocus auth failed: ${reason}`)),
        onClose: () => {
          if (!this.closing) this.k.disconnects++;
        },
      });
    }).finally(() => clearTimeout(timer));
  }

  /** Hocuspocus acknowledges updates with sync-status messages. */
  unacked() {
    return this.provider?.unsyncedChanges ?? 0;
  }

  close() {
    this.closing = true;
    this.provider?.destroy();
    this.doc.destroy();
  }
}
