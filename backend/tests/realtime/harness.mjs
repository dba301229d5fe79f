// Test harness for the realtime suites: runs the pairpad binary in
// --socketio-conformance mode, and offers small raw clients (WebSocket via
// the `ws` package, long-polling via the global fetch) whose waits always
// have a deadline, so a misbehaving server fails a test instead of hanging it.
import { spawn } from "node:child_process";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const BIN =
  process.env.PAIRPAD_BIN || path.resolve(HERE, "../../build/pairpad");

// The reference configuration the conformance mode serves.
export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;
export const MAX_PAYLOAD = 1000000;
export const CONNECT_TIMEOUT = 1000;

// Lines in the server's stderr that mean a sanitizer found a bug.
const SANITIZER_PATTERNS = [
  "ERROR: AddressSanitizer",
  "ERROR: LeakSanitizer",
  "runtime error:",
];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with `what` if `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms: ${what}`)),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// ---- the server process ---------------------------------------------------

/**
 * Starts pairpad in conformance mode. `port` 0 lets the kernel pick a free
 * port (read back from the "Pairpad listening" line); a fixed port is used
 * to restart a server where a previous one ran. `dir` reuses a data
 * directory (a restart); by default a fresh temporary one is made and
 * removed by stop().
 */
export async function startServer({
  port = 0,
  dir = null,
  conformance = true,
  extraArgs = [],
} = {}) {
  const ownDir = !dir;
  const dataDir = dir || (await mkdtemp(path.join(tmpdir(), "pairpad-rt-")));
  const env = { ...process.env };
  if (!env.LSAN_OPTIONS)
    env.LSAN_OPTIONS = `suppressions=${path.resolve(HERE, "../lsan.supp")}`;
  const args = [
    ...(conformance ? ["--socketio-conformance"] : []),
    ...extraArgs,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--runner-port",
    "0",
    "--database-url",
    `sqlite:${path.join(dataDir, "db")}`,
  ];
  const proc = spawn(BIN, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      stdout += d;
      const m = /Pairpad listening on http:\/\/localhost:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    proc.on("error", reject);
    exited.then(({ code, signal }) =>
      reject(
        new Error(
          `pairpad exited before listening (code ${code}, signal ${signal})\n${stderr}`,
        ),
      ),
    );
  });
  let actualPort;
  try {
    actualPort = await withTimeout(listening, 15000, "pairpad to listen");
  } catch (e) {
    // Leave nothing behind: no process, no temporary directory.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const base = `http://127.0.0.1:${actualPort}`;
  const server = {
    proc,
    pid: proc.pid,
    port: actualPort,
    dir: dataDir,
    http: base,
    ws: base.replace("http", "ws"),
    stderr: () => stderr,
    exited,
    /** Sanitizer reports found in stderr so far. */
    sanitizerReports() {
      return SANITIZER_PATTERNS.filter((p) => stderr.includes(p));
    },
    /**
     * SIGTERM, wait for the exit, remove the data directory (unless
     * keepDir) and throw if the exit was not clean or a sanitizer spoke.
     */
    async stop({ keepDir = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null)
        proc.kill("SIGTERM");
      let result;
      try {
        result = await withTimeout(exited, 15000, "pairpad to exit on SIGTERM");
      } catch (e) {
        proc.kill("SIGKILL");
        await exited;
        throw e;
      } finally {
        if (ownDir && !keepDir)
          await rm(dataDir, { recursive: true, force: true });
      }
      const reports = server.sanitizerReports();
      if (reports.length)
        throw new Error(
          `sanitizer report in pairpad's stderr (${reports.join(", ")}):\n${stderr}`,
        );
      if (result.code !== 0)
        throw new Error(
          `pairpad exited with code ${result.code} signal ${result.signal}\n${stderr}`,
        );
    },
  };
  return server;
}

/** The resident set size of a process in KiB (Linux /proc). */
export async function rssKiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** True when the binary was built with AddressSanitizer. */
export async function isSanitizerBuild() {
  const bin = await readFile(BIN);
  return bin.includes("__asan_init");
}

// ---- HTTP (long-polling) -------------------------------------------------

/** The polling URL of the Engine.IO server at `mount` ("engine.io"/"socket.io"). */
export function pollUrl(server, mount, sid, extra = "") {
  const q = `EIO=4&transport=polling${sid ? `&sid=${sid}` : ""}${extra}`;
  return `${server.http}/${mount}/?${q}`;
}

/** fetch() that resolves to {status, text, headers} with a deadline. */
export async function request(url, init = {}, timeoutMs = 5000) {
  const res = await withTimeout(fetch(url, init), timeoutMs, `${init.method || "GET"} ${url}`);
  const text = await withTimeout(res.text(), timeoutMs, `body of ${url}`);
  return { status: res.status, text, headers: res.headers };
}

export const get = (url, init = {}) => request(url, { method: "GET", ...init });
export const post = (url, body, init = {}) =>
  request(url, { ...init, method: "POST", body });

/** Opens a polling session; returns {sid, open, status, text}. */
export async function openPolling(server, mount = "engine.io") {
  const res = await get(pollUrl(server, mount));
  if (res.status !== 200 || !res.text.startsWith("0"))
    throw new Error(`polling handshake failed: ${res.status} ${res.text}`);
  const open = JSON.parse(res.text.slice(1));
  return { sid: open.sid, open, ...res };
}

// ---- WebSocket --------------------------------------------------------------

/**
 * A raw WebSocket client with a message queue: next() takes the oldest
 * unread message (or waits for one) so no message is lost between awaits.
 * autoPong answers Engine.IO pings ("2" -> "3") and hides them, for tests
 * that last longer than one heartbeat.
 */
export class RawSocket {
  constructor(url, { autoPong = false, headers = {} } = {}) {
    this.url = url;
    this.autoPong = autoPong;
    this.queue = [];
    this.waiters = [];
    this.pings = 0;
    this.errors = [];
    this.closeInfo = null;
    this.ws = new WebSocket(url, { perMessageDeflate: false, headers });
    this.opened = new Promise((resolve) => {
      this.ws.once("open", () => resolve(true));
      this.ws.once("close", () => resolve(false));
    });
    this.closed = new Promise((resolve) => {
      this.ws.once("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const w of this.waiters.splice(0))
          w.reject(new Error(`connection closed (code ${code})`));
        resolve(this.closeInfo);
      });
    });
    this.ws.on("error", (e) => this.errors.push(e));
    this.ws.on("message", (data, isBinary) => {
      const msg = isBinary
        ? { binary: true, data: Buffer.from(data) }
        : { binary: false, data: data.toString() };
      if (this.autoPong && !msg.binary && msg.data === "2") {
        this.pings++;
        this.ws.send("3");
        return;
      }
      const w = this.waiters.shift();
      if (w) w.resolve(msg);
      else this.queue.push(msg);
    });
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The next message {binary, data}; rejects on close or after timeoutMs. */
  next(timeoutMs = 2000) {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.closeInfo)
      return Promise.reject(
        new Error(`connection closed (code ${this.closeInfo.code})`),
      );
    let waiter;
    const p = new Promise((resolve, reject) => {
      waiter = { resolve, reject };
      this.waiters.push(waiter);
    });
    return withTimeout(p, timeoutMs, `message on ${this.url}`).catch((e) => {
      // A timed-out waiter must not swallow a later message.
      this.waiters = this.waiters.filter((w) => w !== waiter);
      throw e;
    });
  }

  /** The next message, which must be text; returns the string. */
  async nextText(timeoutMs) {
    const m = await this.next(timeoutMs);
    if (m.binary) throw new Error(`expected text, got ${m.data.length} binary bytes`);
    return m.data;
  }

  /** The next n messages that are not pings (a ping is the text "2"). */
  async nextPackets(n, timeoutMs = 2000) {
    const out = [];
    while (out.length < n) {
      const m = await this.next(timeoutMs);
      if (!m.binary && m.data === "2") continue;
      out.push(m);
    }
    return out;
  }

  send(data) {
    this.ws.send(data);
  }

  /** Resolves {code, reason} when closed; rejects after timeoutMs. */
  waitClose(timeoutMs = 2000) {
    return withTimeout(this.closed, timeoutMs, `close of ${this.url}`);
  }

  /** Closes (if needed) and waits for the close to complete. */
  async close() {
    if (!this.closeInfo) {
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close();
    }
    await withTimeout(this.closed, 3000, `closing ${this.url}`).catch(() =>
      this.ws.terminate(),
    );
  }
}

export function wsUrl(server, mount, sid, extra = "") {
  const q = `EIO=4&transport=websocket${sid ? `&sid=${sid}` : ""}${extra}`;
  return `${server.ws}/${mount}/?${q}`;
}

/** Opens an Engine.IO WebSocket session; returns {socket, open, raw}. */
export async function openWebSocket(server, mount = "engine.io", opts = {}) {
  const socket = new RawSocket(wsUrl(server, mount), opts);
  const raw = await socket.nextText(5000);
  if (!raw.startsWith("0")) throw new Error(`expected an open packet, got ${raw}`);
  return { socket, open: JSON.parse(raw.slice(1)), raw };
}

/**
 * Connects a Socket.IO client to namespace "/" over a raw WebSocket:
 * open packet, CONNECT (with auth), the CONNECT reply and the "auth" event.
 * Pings are answered unless autoPong is false.
 */
export async function openSocketIO(server, { auth = null, autoPong = true } = {}) {
  const { socket } = await openWebSocket(server, "socket.io", { autoPong });
  socket.send(auth ? `40${JSON.stringify(auth)}` : "40");
  const connect = await socket.nextText();
  if (!connect.startsWith("40{")) throw new Error(`expected CONNECT, got ${connect}`);
  const authEvent = await socket.nextText();
  return { socket, sid: JSON.parse(connect.slice(2)).sid, authEvent };
}

/** Collects every socket opened through track() and closes them all. */
export class SocketBag {
  constructor() {
    this.items = [];
  }
  track(s) {
    this.items.push(s);
    return s;
  }
  async closeAll() {
    await Promise.all(this.items.splice(0).map((s) => s.close()));
  }
}

// ---- raw TCP WebSocket (for clients that misbehave below the ws API) -----

/**
 * Opens a TCP connection and performs the WebSocket opening handshake by
 * hand for `target` ("/engine.io/?EIO=4&transport=websocket"). Returns the
 * net.Socket (reading already paused when pause is true) and helpers to
 * send masked frames. Data after the 101 response stays in `rest`.
 */
export async function rawTcpWebSocket(server, target, { pause = false } = {}) {
  const net = await import("node:net");
  const crypto = await import("node:crypto");
  const sock = net.connect(server.port, "127.0.0.1");
  const errors = [];
  sock.on("error", (e) => errors.push(e));
  const closed = new Promise((resolve) => sock.once("close", resolve));
  await withTimeout(new Promise((r, j) => {
    sock.once("connect", r);
    sock.once("error", j);
  }), 5000, "TCP connect");
  const key = crypto.randomBytes(16).toString("base64");
  sock.write(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
      `Sec-WebSocket-Version: 13\r\n\r\n`,
  );
  let buf = Buffer.alloc(0);
  const head = await withTimeout(
    new Promise((resolve, reject) => {
      const onData = (d) => {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf("\r\n\r\n");
        if (end >= 0) {
          sock.off("data", onData);
          if (pause) sock.pause();
          resolve(buf.subarray(0, end).toString());
          buf = buf.subarray(end + 4);
        }
      };
      sock.on("data", onData);
      sock.once("close", () => reject(new Error("closed during the handshake")));
    }),
    5000,
    "WebSocket handshake",
  );
  if (!/^HTTP\/1\.1 101 /.test(head)) throw new Error(`handshake refused: ${head}`);
  const frame = (opcode, payload, { fin = true, mask = true } = {}) => {
    const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const len = data.length;
    const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const hdr = Buffer.alloc(2 + ext + (mask ? 4 : 0));
    hdr[0] = (fin ? 0x80 : 0) | opcode;
    hdr[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
    if (ext === 2) hdr.writeUInt16BE(len, 2);
    if (ext === 8) hdr.writeBigUInt64BE(BigInt(len), 2);
    if (!mask) return Buffer.concat([hdr, data]);
    const key = crypto.randomBytes(4);
    key.copy(hdr, 2 + ext);
    const out = Buffer.allocUnsafe(len);
    for (let i = 0; i < len; i++) out[i] = data[i] ^ key[i & 3];
    return Buffer.concat([hdr, out]);
  };
  return {
    sock,
    head,
    rest: buf,
    errors,
    closed,
    /** Writes a frame; false when the socket is no longer writable. */
    send(opcode, payload, opts) {
      if (sock.destroyed || !sock.writable) return false;
      sock.write(frame(opcode, payload, opts));
      return true;
    },
    text(s) {
      return this.send(0x1, s);
    },
    destroy() {
      sock.destroy();
    },
  };
}
