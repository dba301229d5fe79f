// Pairpad's own Socket.IO events (PROTOCOL.md) with the real socket.io-client
// against the server in its normal mode: joining, presence, language,
// cursors (awareness), room endings, and the documented refusals.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { sleep, startServer, withTimeout } from "./harness.mjs";

let server;
const clients = [];

before(async () => {
  // Session creation is throttled per address; throttle.test.mjs covers it.
  server = await startServer({
    conformance: false,
    extraArgs: ["--log-level", "warn", "--rate-limits", "off"],
  });
});
after(async () => {
  for (const c of clients) c.close();
  await server.stop();
});

const once = (sock, event, ms = 5000) =>
  withTimeout(new Promise((resolve) => sock.once(event, resolve)), ms, event);

function connect(opts = {}) {
  const sock = io(server.http, { transports: ["websocket"], reconnection: false, ...opts });
  clients.push(sock);
  return sock;
}

async function createSession(body = {}) {
  const res = await fetch(`${server.http}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  return res.json();
}

async function join(sock, payload) {
  return withTimeout(sock.emitWithAck("join", payload), 5000, "join ack");
}

/** A y-protocols awareness update: one client id, clock, JSON state. */
function awareness(clientId, clock, state) {
  const varuint = (n) => {
    const out = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  const json = Buffer.from(state === null ? "null" : JSON.stringify(state));
  return Buffer.from([1, ...varuint(clientId), ...varuint(clock), ...varuint(json.length), ...json]);
}

describe("join", () => {
  it("answers with the user, the participants and the session", async () => {
    const s = await createSession({ title: "Two sum", language: "python" });
    const a = connect();
    const ack = await join(a, { session_id: s.id, name: "Ada" });
    assert.equal(ack.ok, true);
    assert.deepEqual(Object.keys(ack.user).sort(), ["color", "id", "name", "role"]);
    assert.equal(ack.user.name, "Ada");
    assert.equal(ack.user.role, "candidate");
    assert.match(ack.user.color, /^#[0-9a-f]{6}$/);
    assert.deepEqual(ack.participants, [ack.user]);
    assert.deepEqual(ack.session, {
      id: s.id,
      title: "Two sum",
      language: "python",
      expires_at: s.expires_at,
      run_timeout_seconds: 10,
      run_settings: {},
    });
    assert.ok(Buffer.isBuffer(ack.update) || ack.update instanceof ArrayBuffer);
    assert.ok(Buffer.isBuffer(ack.state_vector) || ack.state_vector instanceof ArrayBuffer);
  });

  it("gives the interviewer role for the interviewer token", async () => {
    const s = await createSession();
    const ack = await join(connect(), { session_id: s.id, name: "Ivy", token: s.interviewer_token });
    assert.equal(ack.user.role, "interviewer");
  });

  it("treats a wrong token as a candidate", async () => {
    const s = await createSession();
    const ack = await join(connect(), { session_id: s.id, name: "Eve", token: "not-the-token" });
    assert.equal(ack.user.role, "candidate");
  });

  it("refuses an unknown session", async () => {
    const ack = await join(connect(), { session_id: "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60", name: "A" });
    assert.deepEqual(ack, {
      ok: false,
      error: { code: "session_not_found", message: "This session does not exist (or was deleted)." },
    });
  });

  it("asks for the password of a protected session and checks it", async () => {
    const s = await createSession({ password: "s3cret" });
    const sock = connect();
    assert.equal((await join(sock, { session_id: s.id, name: "A" })).error.code, "password_required");
    assert.equal(
      (await join(sock, { session_id: s.id, name: "A", password: "nope" })).error.code,
      "invalid_password",
    );
    assert.equal((await join(sock, { session_id: s.id, name: "A", password: "s3cret" })).ok, true);
  });

  it("refuses names that are empty, too long or hold control characters", async () => {
    const s = await createSession();
    const sock = connect();
    for (const name of ["", "x".repeat(65), "a\u0007b"]) {
      const ack = await join(sock, { session_id: s.id, name });
      assert.equal(ack.error.code, "invalid_name", JSON.stringify(name));
    }
  });

  it("refuses a second join on the same connection", async () => {
    const s = await createSession();
    const sock = connect();
    assert.equal((await join(sock, { session_id: s.id, name: "A" })).ok, true);
    assert.equal((await join(sock, { session_id: s.id, name: "A" })).error.code, "already_joined");
  });

  it("answers events before join with not_joined", async () => {
    const ack = await connect().emitWithAck("language_change", { language: "go" });
    assert.deepEqual(ack, { ok: false, error: { code: "not_joined", message: "join a session first" } });
  });
});

describe("presence", () => {
  it("tells members about joins and leaves, with distinct colours", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    const ackA = await join(a, { session_id: s.id, name: "Ada" });
    const joined = once(a, "user_joined");
    const ackB = await join(b, { session_id: s.id, name: "Bob" });
    assert.deepEqual(await joined, ackB.user);
    assert.notEqual(ackA.user.color, ackB.user.color);
    assert.deepEqual(
      ackB.participants.map((p) => p.id).sort(),
      [ackA.user.id, ackB.user.id].sort(),
    );
    const left = once(a, "user_left");
    b.emit("leave");
    assert.deepEqual(await left, { id: ackB.user.id });
  });

  it("announces user_left when a member disconnects", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    const ackB = await join(b, { session_id: s.id, name: "Bob" });
    const left = once(a, "user_left");
    b.close();
    assert.deepEqual(await left, { id: ackB.user.id });
  });
});

describe("language", () => {
  it("broadcasts a language change and persists it", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    const ackA = await join(a, { session_id: s.id, name: "Ada" });
    await join(b, { session_id: s.id, name: "Bob" });
    const seen = once(b, "language_change");
    assert.deepEqual(await a.emitWithAck("language_change", { language: "rust" }), { ok: true });
    assert.deepEqual(await seen, { language: "rust", by: ackA.user.id });
    await sleep(100);
    const rest = await (await fetch(`${server.http}/api/sessions/${s.id}`)).json();
    assert.equal(rest.language, "rust");
  });

  it("refuses an unknown language", async () => {
    const s = await createSession();
    const a = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    const ack = await a.emitWithAck("language_change", { language: "cobol" });
    assert.equal(ack.error.code, "invalid_language");
  });

  it("relays a language change made through the REST API", async () => {
    const s = await createSession();
    const a = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    const seen = once(a, "language_change");
    const res = await fetch(`${server.http}/api/sessions/${s.id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${s.interviewer_token}` },
      body: JSON.stringify({ language: "go" }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await seen, { language: "go", by: null });
  });
});

describe("session settings", () => {
  it("tells members about a rename, a new lifetime and a password change", async () => {
    const s = await createSession({ title: "Old" });
    const a = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    const seen = once(a, "session_updated");
    const res = await fetch(`${server.http}/api/sessions/${s.id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${s.interviewer_token}` },
      body: JSON.stringify({ title: "New title", password: "pw", ttl_seconds: 7200 }),
    });
    assert.equal(res.status, 200);
    const rest = await res.json();
    assert.deepEqual(await seen, {
      title: "New title",
      expires_at: rest.expires_at,
      has_password: true,
      run_timeout_seconds: 10,
      run_settings: {},
    });
  });
});

describe("cursors", () => {
  it("relays awareness updates to the other members", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    await join(b, { session_id: s.id, name: "Bob" });
    const update = awareness(4242, 1, { cursor: { anchor: 3, head: 7 }, user: { name: "Ada" } });
    const seen = once(b, "cursor_move");
    assert.deepEqual(await a.emitWithAck("cursor_move", update), { ok: true });
    assert.deepEqual(Buffer.from(await seen), update);
  });

  it("refuses awareness for a client id another member uses", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    await join(b, { session_id: s.id, name: "Bob" });
    await a.emitWithAck("cursor_move", awareness(77, 1, { x: 1 }));
    const ack = await b.emitWithAck("cursor_move", awareness(77, 2, { x: 2 }));
    assert.equal(ack.error.code, "awareness_not_yours");
  });

  it("removes a member's cursor when it leaves", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    await join(b, { session_id: s.id, name: "Bob" });
    const first = once(a, "cursor_move");
    await b.emitWithAck("cursor_move", awareness(9001, 5, { x: 1 }));
    await first;
    const removal = once(a, "cursor_move");
    b.close();
    assert.deepEqual(Buffer.from(await removal), awareness(9001, 6, null));
  });

  it("coalesces a burst into at most one relay per 33 ms window", async () => {
    const s = await createSession();
    const a = connect();
    const b = connect();
    await join(a, { session_id: s.id, name: "Ada" });
    await join(b, { session_id: s.id, name: "Bob" });
    const seen = [];
    b.on("cursor_move", (u) => seen.push(Buffer.from(u)));
    for (let clock = 1; clock <= 50; clock++) a.emit("cursor_move", awareness(5, clock, { c: clock }));
    await sleep(300);
    assert.ok(seen.length >= 1 && seen.length < 20, `relayed ${seen.length} of 50`);
    assert.deepEqual(seen.at(-1), awareness(5, 50, { c: 50 }));
  });
});

