// Harness for the collaboration suites: runs the pairpad binary on a free
// port against a fresh database (SQLite in a temporary directory, or a new
// PostgreSQL database when PAIRPAD_TEST_DB is a postgres:// URL), REST
// helpers, and Peer: a real Yjs document synchronised with the server over
// socket.io-client, with an optional network shim that delays, duplicates
// and reorders updates in both directions. Every wait has a deadline, so a
// misbehaving server fails a test instead of hanging it.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { io } from "socket.io-client";
import * as Y from "yjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

// Relative to the current directory (the server runs in a temporary one).
export const BIN = process.env.PAIRPAD_BIN
  ? path.resolve(process.env.PAIRPAD_BIN)
  : path.resolve(HERE, "../../build/pairpad");

// Server limits the suites rely on (backend/src/app.c, PROTOCOL.md).
export const MAX_UPDATE_BYTES = 512 * 1024;
export const MAX_DOC_BYTES = 8 * 1024 * 1024;
export const UPDATE_RATE = 100;
export const UPDATE_BURST = 400;
export const SNAPSHOT_EVERY_UPDATES = 500;
export const SNAPSHOT_EVERY_BYTES = 512 * 1024;

/** Origin of transactions that apply updates from the server (STYLE 16). */
export const REMOTE = Symbol("remote");

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

/** Polls `pred` (may be async) until true; false after `ms`. */
export async function waitFor(pred, ms, interval = 10) {
  const end = Date.now() + ms;
  for (;;) {
    if (await pred()) return true;
    if (Date.now() >= end) return false;
    await sleep(interval);
  }
}

// ---- seeded randomness ------------------------------------------------------

/** mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream derived from a seed and some small integers. */
export function substream(seed, ...salt) {
  let h = seed >>> 0;
  for (const s of salt) h = Math.imul(h ^ (s + 0x9e3779b9), 0x85ebca6b) >>> 0;
  return mulberry32(h ^ (h >>> 13));
}

export const randInt = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = (rng, items) => items[Math.floor(rng() * items.length)];

// ---- random edits ----------------------------------------------------------------

// Pieces of inserted text: ASCII, precomposed and combining accents, CJK,
// RTL, emoji outside the BMP (surrogate pairs), ZWJ sequences, flags.
const PIECES = [
  ..."abcdefghijklmnopqrstuvwxyz",
  " ", " ", "\n", "\t", "{", "}", "(", ");",
  "é", "ß", "ø", "€", "Ж", "ع", "中文", "字",
  "e\u0301", "a\u0308", "\u0301", "\u20dd",
  "😀", "🎉", "𝄞", "👩‍💻", "🇫🇷", "👍🏽",
];

export function randomText(rng, pieces) {
  let s = "";
  for (let i = 0; i < pieces; i++) s += pick(rng, PIECES);
  return s;
}

/** About `bytes` UTF-8 bytes of code-like lines. */
export function paste(rng, bytes) {
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const line = `${"  ".repeat(randInt(rng, 0, 3))}${randomText(rng, randInt(rng, 5, 40))}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join("\n");
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** Moves a UTF-16 index off the middle of a surrogate pair (as an editor would). */
export function boundary(s, i) {
  if (i > 0 && i < s.length && isLow(s.charCodeAt(i)) && isHigh(s.charCodeAt(i - 1))) return i - 1;
  return i;
}

/**
 * One random local edit as one transaction (= one update): an insertion, a
 * deletion, a replaced selection, or (at most state.maxPastes times, 2 by
 * default) a paste of 2-20 KB. Indices never split a surrogate pair.
 */
export function randomEdit(doc, rng, state = { pastes: 0 }) {
  const text = doc.getText("code");
  const s = text.toString();
  const r = rng();
  doc.transact(() => {
    if (s.length === 0 || r < 0.5) {
      text.insert(boundary(s, randInt(rng, 0, s.length)), randomText(rng, randInt(rng, 1, 8)));
    } else if (r < 0.8) {
      const start = boundary(s, randInt(rng, 0, s.length - 1));
      const end = boundary(s, Math.min(s.length, start + randInt(rng, 1, 12)));
      if (end > start) text.delete(start, end - start);
    } else if (r < 0.97 || state.pastes >= (state.maxPastes ?? 2)) {
      // replace a selection: a deletion and an insertion in one update
      const start = boundary(s, randInt(rng, 0, s.length - 1));
      const end = boundary(s, Math.min(s.length, start + randInt(rng, 1, 30)));
      if (end > start) text.delete(start, end - start);
      text.insert(start, randomText(rng, randInt(rng, 1, 10)));
    } else {
      state.pastes++;
      text.insert(boundary(s, randInt(rng, 0, s.length)), paste(rng, randInt(rng, 2048, 20480)));
    }
  });
}

// ---- databases ----------------------------------------------------------------

const execFileP = promisify(execFile);

async function psql(url, sql) {
  try {
    return await execFileP("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], {
      timeout: 60000,
    });
  } catch (e) {
    throw new Error(`psql ${JSON.stringify(sql)} failed: ${e.stderr || e.message}`);
  }
}

export function dbSetting() {
  return (process.env.PAIRPAD_TEST_DB || "sqlite").trim() || "sqlite";
}

/**
 * A fresh database that one or several (successive) servers share:
 * {kind, url, drop()}. SQLite: a file in a new temporary directory;
 * PostgreSQL: CREATE DATABASE t_<random> next to the one PAIRPAD_TEST_DB names.
 */
export async function createDatabase() {
  const setting = dbSetting();
  if (setting === "sqlite") {
    const dir = await mkdtemp(path.join(tmpdir(), "pairpad-collab-db-"));
    return {
      kind: "sqlite",
      url: `sqlite:${path.join(dir, "db")}`,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (/^postgres(ql)?:\/\//.test(setting)) {
    const name = `t_${randomBytes(8).toString("hex")}`;
    await psql(setting, `CREATE DATABASE ${name}`);
    const u = new URL(setting);
    u.pathname = `/${name}`;
    return {
      kind: "postgres",
      url: u.toString(),
      drop: () =>
        psql(setting, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {}),
    };
  }
  throw new Error(
    `PAIRPAD_TEST_DB must be 'sqlite' or a postgres:// URL, not ${JSON.stringify(setting)}`,
  );
}

// ---- the server process ---------------------------------------------------------

/** The environment minus the variables pairpad reads as option defaults. */
function serverEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      (key.startsWith("PAIRPAD_") && key !== "PAIRPAD_BIN" && key !== "PAIRPAD_TEST_DB") ||
      key === "DATABASE_URL" ||
      key === "REDIS_URL"
    )
      delete env[key];
  }
  if (!env.LSAN_OPTIONS)
    env.LSAN_OPTIONS = `suppressions=${path.resolve(HERE, "../lsan.supp")}`;
  return env;
}

// Servers still running when the test process exits are killed with it.
const live = new Set();
process.on("exit", () => {
  for (const proc of live) proc.kill("SIGKILL");
});

/**
 * Starts pairpad on a free port against db (from createDatabase). Returns
 * {http, port, pid, exited, stderr(), kill(signal), stop()}.
 */
export async function startServer(db, { extraArgs = [] } = {}) {
  const cwd = await mkdtemp(path.join(tmpdir(), "pairpad-collab-srv-"));
  const args = [
    "--host", "127.0.0.1",
    "--port", "0",
    "--runner-port", "0",
    "--database-url", db.url,
    "--rate-limits", "off",
    "--log-level", "warn",
    ...extraArgs,
  ];
  const proc = spawn(BIN, args, { cwd, env: serverEnv(), stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  let stdout = "";
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) =>
    proc.on("exit", (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    }),
  );
  const listening = new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      stdout += d;
      const m = /Pairpad listening on http:\/\/localhost:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    proc.on("error", reject);
    exited.then(({ code, signal }) =>
      reject(new Error(`pairpad exited before listening (code ${code}, signal ${signal})\n${stderr}`)),
    );
  });
  let port;
  try {
    port = await withTimeout(listening, 15000, `pairpad (${BIN}) to listen`);
  } catch (e) {
    proc.kill("SIGKILL");
    await rm(cwd, { recursive: true, force: true });
    throw e;
  }
  const server = {
    proc,
    pid: proc.pid,
    port,
    http: `http://127.0.0.1:${port}`,
    exited,
    stderr: () => stderr,
    get alive() {
      return proc.exitCode === null && proc.signalCode === null;
    },
    sanitizerReports: () => SANITIZER_PATTERNS.filter((p) => stderr.includes(p)),
    /** Sends signal (default SIGKILL) and waits for the exit. */
    async kill(signal = "SIGKILL") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const r = await withTimeout(exited, 15000, `pairpad to exit on ${signal}`);
      await rm(cwd, { recursive: true, force: true });
      return r;
    },
    /** SIGTERM; throws unless the exit is clean and no sanitizer spoke. */
    async stop() {
      let r;
      try {
        r = await server.kill("SIGTERM");
      } catch (e) {
        proc.kill("SIGKILL");
        await exited;
        throw e;
      }
      const reports = server.sanitizerReports();
      if (reports.length)
        throw new Error(`sanitizer report in pairpad's stderr (${reports.join(", ")}):\n${stderr}`);
      if (r.code !== 0)
        throw new Error(`pairpad exited with code ${r.code} signal ${r.signal}\n${stderr}`);
    },
  };
  return server;
}

// ---- REST ---------------------------------------------------------------------------

async function rest(server, method, p, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await withTimeout(fetch(server.http + p, init), 15000, `${method} ${p}`);
  const text = await withTimeout(res.text(), 15000, `body of ${method} ${p}`);
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

/** POST /api/sessions; returns the created session (with interviewer_token). */
export async function createSession(server, body = {}) {
  const r = await rest(server, "POST", "/api/sessions", body);
  if (r.status !== 201) throw new Error(`POST /api/sessions: ${r.status} ${r.text}`);
  return r.json;
}

/** GET /api/sessions/{id}.code */
export async function restCode(server, id) {
  const r = await rest(server, "GET", `/api/sessions/${id}`);
  if (r.status !== 200) throw new Error(`GET /api/sessions/${id}: ${r.status} ${r.text}`);
  return r.json.code;
}

export async function deleteSession(server, session) {
  return rest(server, "DELETE", `/api/sessions/${session.id}`, undefined, {
    Authorization: `Bearer ${session.interviewer_token}`,
  });
}

// ---- Socket.IO ----------------------------------------------------------------------

/** A connected socket.io-client socket (no automatic reconnection). */
export async function connectSocket(server, { transports = ["websocket"], timeoutMs = 10000 } = {}) {
  const socket = io(server.http, {
    path: "/socket.io/",
    transports,
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  try {
    await withTimeout(
      new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
        socket.io.once("close", (reason) => reject(new Error(`connection closed: ${reason}`)));
      }),
      timeoutMs,
      "Socket.IO connect",
    );
  } catch (e) {
    socket.close();
    throw e;
  }
  return socket;
}

/** emitWithAck with a deadline. */
export function ask(socket, event, payload, ms = 15000) {
  return withTimeout(socket.emitWithAck(event, payload), ms, `ack of ${event}`);
}

/** Resolves with the disconnect reason of socket (at once if already gone). */
export function disconnected(socket) {
  if (!socket.connected) return Promise.resolve("already disconnected");
  return new Promise((resolve) => socket.once("disconnect", resolve));
}

/** The plain text of the shared document. */
export const textOf = (doc) => doc.getText("code").toString();

/** True when doc holds updates it could not integrate yet. */
export const hasPending = (doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/**
 * A participant: a Y.Doc kept in sync with a session over Socket.IO, as the
 * front end does. Local transactions (any origin but REMOTE) are sent as
 * code_change with an ack; relayed updates are applied with origin REMOTE.
 * On (re)join it sends its state vector, applies the server's diff and sends
 * its own diff against the server's state vector.
 *
 * shim (optional) {rng, maxDelayMs, duplicateRate}: each outgoing and each
 * incoming update is delayed by a random time (so they are reordered) and
 * sometimes delivered twice.
 */
export class Peer {
  constructor(server, sessionId, { name = "peer", doc = new Y.Doc(), shim = null, transports } = {}) {
    this.server = server;
    this.sessionId = sessionId;
    this.name = name;
    this.doc = doc;
    this.shim = shim;
    this.transports = transports || ["websocket"];
    this.socket = null;
    this.joined = false;
    this.joinAck = null;
    this.timers = 0; // shimmed deliveries not yet done
    this.inflight = 0; // code_change not yet answered
    this.acked = []; // updates the server acknowledged
    this.errors = []; // unexpected things, as strings
    this.errorEvents = []; // `error` events from the server
    this.received = []; // relayed updates, as received
    this.ackErrors = []; // {code, message} of refused code_change
    this.dirty = false; // an update was refused: resync by rejoining
    this.lastSend = null; // without a shim: the ack promise of the last local update
    this.onUpdate = (update, origin) => {
      if (origin !== REMOTE) this._outgoing(update);
    };
    doc.on("update", this.onUpdate);
  }

  get text() {
    return textOf(this.doc);
  }

  get idle() {
    return this.timers === 0 && this.inflight === 0;
  }

  _later(ms, fn) {
    this.timers++;
    setTimeout(() => {
      this.timers--;
      fn();
    }, ms);
  }

  _copies() {
    return this.shim.rng() < (this.shim.duplicateRate ?? 0.1) ? 2 : 1;
  }

  _delay() {
    return Math.floor(this.shim.rng() * (this.shim.maxDelayMs ?? 20));
  }

  _outgoing(update) {
    if (!this.joined) {
      // the next join sends a diff that holds it
      this.lastSend = Promise.resolve({ ok: false, error: { code: "offline", message: "not joined" } });
      return;
    }
    if (!this.shim) {
      this.lastSend = this.send(update); // the caller of transact() may await it
      return;
    }
    for (let i = this._copies(); i > 0; i--)
      this._later(this._delay(), () => {
        if (this.joined) this.send(update);
      });
  }

  _incoming(update) {
    this.received.push(update);
    if (!this.shim) {
      Y.applyUpdate(this.doc, update, REMOTE);
      return;
    }
    for (let i = this._copies(); i > 0; i--)
      this._later(this._delay(), () => Y.applyUpdate(this.doc, update, REMOTE));
  }

  /** Sends one code_change; resolves with the ack ({ok:false,...} on errors). */
  async send(update) {
    const socket = this.socket;
    this.inflight++;
    try {
      const ack = await ask(socket, "code_change", update);
      if (ack && ack.ok) {
        this.acked.push(update);
      } else {
        this.ackErrors.push(ack?.error);
        this.dirty = true;
      }
      return ack;
    } catch (e) {
      // Disconnected before the answer: the next join resends by diff.
      if (socket === this.socket && this.joined) {
        this.errors.push(`code_change: ${e.message}`);
        this.dirty = true;
      }
      return { ok: false, error: { code: "no_ack", message: e.message } };
    } finally {
      this.inflight--;
    }
  }

  /** Connects and joins; throws when the join is refused. Returns the ack. */
  async connect({ withStateVector = true } = {}) {
    const socket = await connectSocket(this.server, { transports: this.transports });
    this.socket = socket;
    socket.on("code_change", (u) => {
      if (socket === this.socket) this._incoming(u);
    });
    socket.on("error", (e) => this.errorEvents.push(e));
    socket.on("disconnect", (reason) => {
      if (socket !== this.socket) return;
      this.joined = false;
      if (reason !== "io client disconnect") this.errors.push(`disconnected by the server: ${reason}`);
    });
    const payload = { session_id: this.sessionId, name: this.name };
    if (withStateVector) payload.state_vector = Y.encodeStateVector(this.doc);
    const ack = await ask(socket, "join", payload);
    if (!ack || !ack.ok) {
      socket.close();
      this.socket = null;
      throw new Error(`join refused: ${JSON.stringify(ack)}`);
    }
    this.joinAck = ack;
    Y.applyUpdate(this.doc, ack.update, REMOTE);
    this.joined = true;
    this.dirty = false;
    const diff = Y.encodeStateAsUpdate(this.doc, ack.state_vector);
    if (!isEmptyUpdate(diff)) this.send(diff);
    return ack;
  }

  /** Closes the connection (client side); local edits continue offline. */
  disconnect() {
    this.joined = false;
    if (this.socket) this.socket.disconnect();
  }

  /** Waits until every shimmed delivery ran and every code_change was answered. */
  async settle(ms = 15000) {
    if (!(await waitFor(() => this.idle, ms, 5)))
      throw new Error(`${this.name}: ${this.timers} deliveries and ${this.inflight} acks still pending after ${ms} ms`);
  }

  close() {
    this.doc.off("update", this.onUpdate);
    this.disconnect();
  }
}

/** An update that carries no structs and no deletions. */
export function isEmptyUpdate(u) {
  return u.length === 2 && u[0] === 0 && u[1] === 0;
}

/** A doc's state vector and what it still waits for, as JSON (failure messages). */
export function stateInfo(doc) {
  const state = Object.fromEntries(Y.decodeStateVector(Y.encodeStateVector(doc)));
  const ps = doc.store.pendingStructs;
  const waitingFor = ps ? Object.fromEntries(ps.missing) : null;
  const ds = doc.store.pendingDs ? Y.decodeUpdate(doc.store.pendingDs).ds.clients : null;
  return JSON.stringify({
    state,
    text_length: textOf(doc).length,
    waiting_for: waitingFor,
    pending_deletes: ds && ds.size ? Object.fromEntries(ds) : null,
  });
}

/** A fresh doc that joins the session and returns its text (then leaves). */
export async function freshText(server, sessionId) {
  const p = new Peer(server, sessionId, { name: "checker" });
  await p.connect();
  const t = p.text;
  const doc = p.doc;
  p.close();
  return { text: t, doc };
}

/** Where two strings first differ, for readable assertion messages. */
export function describeDiff(a, b) {
  if (a === b) return "equal";
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ctx = (s) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40));
  return `lengths ${a.length} vs ${b.length}, first difference at UTF-16 index ${i}: ${ctx(a)} vs ${ctx(b)}`;
}
