// A deliberately cheap Socket.IO v5 client over one raw WebSocket (the `ws`
// package): no reconnection, no polling, no buffering. It speaks just what
// the benchmarks need: the Engine.IO open/ping/pong, CONNECT to "/", EVENT
// and ACK in both directions, and receiving binary attachments (a join ack
// carries the document as bytes). Thousands of these fit in one process.
import WebSocket from "ws";

export class RawSio {
  /**
   * @param {string} httpUrl  server origin, e.g. http://127.0.0.1:8000
   * @param {object} [h]      handlers: onEvent(name, args), onClose(code, reason)
   */
  constructor(httpUrl, h = {}) {
    this.url = httpUrl.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
    this.onEvent = h.onEvent || null;
    this.onClose = h.onClose || null;
    this.acks = new Map();
    this.nextAck = 0;
    this.pending = null; // {packet, want, bufs} while collecting attachments
    this.connected = false;
    this.closed = false;
    this.pings = 0;
  }

  /** Opens the WebSocket and connects to namespace "/"; resolves to this. */
  connect(timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error("connect timed out"));
        this.close();
      }, timeoutMs);
      this.ws = new WebSocket(this.url, { perMessageDeflate: false });
      this.ws.on("message", (data, isBinary) => this._message(data, isBinary));
      this.ws.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      this.ws.on("close", (code, reason) => {
        clearTimeout(timer);
        this.closed = true;
        const err = new Error(`closed (${code} ${reason})`);
        for (const cb of this.acks.values()) cb(null, err);
        this.acks.clear();
        if (!this.connected) reject(err);
        this.connected = false;
        this.onClose?.(code, String(reason));
      });
      this._onConnect = (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(this);
      };
    });
  }

  /** Emits an event; `ack(result, err)` is called with the first ack argument. */
  emit(name, data, ack) {
    if (this.closed) {
      ack?.(null, new Error("closed"));
      return;
    }
    let id = "";
    if (ack) {
      id = String(this.nextAck++);
      this.acks.set(id, ack);
    }
    this.ws.send(`42${id}${JSON.stringify([name, data])}`);
  }

  /** Promise form of emit with an ack and a deadline. */
  request(name, data, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ack within ${timeoutMs} ms`)), timeoutMs);
      this.emit(name, data, (res, err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res);
      });
    });
  }

  close() {
    this.closed = true;
    try {
      this.ws?.terminate();
    } catch {
      /* not open */
    }
  }

  _message(data, isBinary) {
    if (isBinary) {
      const p = this.pending;
      if (!p) return; // attachment without a header: ignore
      p.bufs.push(data);
      if (p.bufs.length === p.want) {
        this.pending = null;
        this._dispatch(p.type, p.id, fill(p.payload, p.bufs));
      }
      return;
    }
    const s = data.toString();
    switch (s.charCodeAt(0)) {
      case 48: // "0" open
        this.ws.send("40");
        return;
      case 50: // "2" ping
        this.pings++;
        this.ws.send("3");
        return;
      case 52: // "4" message: a Socket.IO packet
        this._packet(s);
        return;
      default: // "1" close, "6" noop, ...
    }
  }

  _packet(s) {
    const type = s.charCodeAt(1) - 48;
    let i = 2;
    let attachments = 0;
    if (type === 5 || type === 6) {
      const dash = s.indexOf("-", i);
      attachments = Number(s.slice(i, dash));
      i = dash + 1;
    }
    if (s[i] === "/") i = s.indexOf(",", i) + 1; // namespace (only "/" used)
    let j = i;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    const id = j > i ? s.slice(i, j) : null;
    const body = j < s.length ? JSON.parse(s.slice(j)) : undefined;
    if (type === 0) {
      this.connected = true;
      this._onConnect?.(null);
    } else if (type === 4) {
      this._onConnect?.(new Error(`connect refused: ${JSON.stringify(body)}`));
    } else if (type === 1) {
      this.close();
    } else if (attachments) {
      this.pending = { type: type === 5 ? 2 : 3, id, payload: body, want: attachments, bufs: [] };
    } else {
      this._dispatch(type, id, body);
    }
  }

  _dispatch(type, id, body) {
    if (type === 2) {
      if (this.onEvent) this.onEvent(body[0], body.slice(1));
    } else if (type === 3) {
      const cb = this.acks.get(id);
      if (cb) {
        this.acks.delete(id);
        cb(body[0], null);
      }
    }
  }
}

/** Replaces {_placeholder:true,num} with the received attachments. */
function fill(v, bufs) {
  if (Array.isArray(v)) return v.map((x) => fill(x, bufs));
  if (v && typeof v === "object") {
    if (v._placeholder === true && typeof v.num === "number") return bufs[v.num];
    const o = {};
    for (const k of Object.keys(v)) o[k] = fill(v[k], bufs);
    return o;
  }
  return v;
}
