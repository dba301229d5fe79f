// Limits and malformed input on the collaboration events, against the running
// server: malformed updates close the sender's connection and change nothing
// for the others; oversized updates, a full document and floods are refused
// per update (never relayed) while the connection stays; joins of sessions
// that do not exist are refused. (Expiry is not tested here: the shortest
// TTL the API accepts is 60 s.)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as Y from "yjs";
import {
  MAX_DOC_BYTES,
  MAX_UPDATE_BYTES,
  Peer,
  REMOTE,
  UPDATE_BURST,
  ask,
  connectSocket,
  createDatabase,
  createSession,
  deleteSession,
  disconnected,
  freshText,
  mulberry32,
  restCode,
  sleep,
  startServer,
  waitFor,
  withTimeout,
} from "./harness.mjs";

let db;
let server;
before(async () => {
  db = await createDatabase();
  server = await startServer(db);
});
after(async () => {
  try {
    if (server?.alive) await server.stop();
  } finally {
    await db?.drop();
  }
});

/** The updates a fresh doc emits for `fn(doc)`, merged into one. */
function updateOf(fn, clientID = null) {
  const doc = new Y.Doc();
  if (clientID !== null) doc.clientID = clientID;
  const ups = [];
  doc.on("update", (u) => ups.push(u));
  fn(doc);
  return Y.mergeUpdates(ups);
}

/** A raw socket joined to the session. */
async function joined(sessionId, name = "raw") {
  const socket = await connectSocket(server);
  const ack = await ask(socket, "join", { session_id: sessionId, name });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return socket;
}

/** A session where bystander `b` has written "before\n". */
async function roomWithBystander() {
  const session = await createSession(server);
  const b = new Peer(server, session.id, { name: "bystander" });
  await b.connect();
  b.doc.getText("code").insert(0, "before\n");
  assert.deepEqual(await b.lastSend, { ok: true });
  return { session, b };
}

/** b keeps working and the document holds exactly b's text (plus `extra`). */
async function assertBystanderFine(session, b, relaysBefore) {
  await sleep(100);
  assert.equal(b.received.length, relaysBefore, "something was relayed to the bystander");
  b.doc.getText("code").insert(b.text.length, "after\n");
  assert.deepEqual(await b.lastSend, { ok: true });
  assert.deepEqual(b.errors, []);
  assert.equal(b.socket.connected, true);
  assert.equal((await freshText(server, session.id)).text, b.text);
  assert.equal(await restCode(server, session.id), b.text);
}

describe("malformed code_change: invalid_update, sender disconnected, room unaffected", () => {
  const valid = updateOf((d) => d.getText("code").insert(0, "valid"));
  const cases = {
    "random bytes": () => {
      const rng = mulberry32(7);
      return Uint8Array.from({ length: 64 }, () => Math.floor(rng() * 256));
    },
    "zero bytes": () => new Uint8Array(0),
    "a string instead of bytes": () => "not an update",
    "a truncated update": () => valid.subarray(0, valid.length - 3),
    "an update with trailing bytes": () => Uint8Array.from([...valid, 0, 1, 2]),
    'a Y.Map update in root "other"': () => updateOf((d) => d.getMap("other").set("k", "v")),
    'a Y.Text update in root "notes"': () => updateOf((d) => d.getText("notes").insert(0, "x")),
    'a Y.Array in root "code"': () => updateOf((d) => d.getArray("code").push(["x"])),
    "a nested type embedded in the text": () => updateOf((d) => d.getText("code").insertEmbed(0, new Y.Map())),
    "an embed object in the text": () => updateOf((d) => d.getText("code").insertEmbed(0, { image: "x.png" })),
    "formatting attributes": () => updateOf((d) => d.getText("code").insert(0, "bold", { bold: true })),
    "a NUL character": () => updateOf((d) => d.getText("code").insert(0, "a\u0000b")),
  };
  for (const [name, make] of Object.entries(cases)) {
    test(name, async () => {
      const { session, b } = await roomWithBystander();
      const relays = b.received.length;
      const a = await joined(session.id, "attacker");
      const gone = disconnected(a);
      const ack = await ask(a, "code_change", make());
      assert.equal(ack.ok, false, JSON.stringify(ack));
      assert.equal(ack.error.code, "invalid_update");
      assert.equal(typeof ack.error.message, "string");
      await withTimeout(gone, 3000, "the server to close the attacker's connection");
      await assertBystanderFine(session, b, relays);
      b.close();
    });
  }
});

describe("oversized updates", () => {
  /** An update of exactly `bytes` bytes inserting ASCII (a fresh client). */
  function updateOfSize(bytes) {
    const id = 0x7654321; // the same varint length in both
    const probe = updateOf((d) => d.getText("code").insert(0, "a".repeat(bytes - 20)), id);
    const n = bytes - (probe.length - (bytes - 20));
    const text = "b".repeat(n);
    const u = updateOf((d) => d.getText("code").insert(0, text), id);
    assert.equal(u.length, bytes);
    return { u, text };
  }

  test(`an update of ${MAX_UPDATE_BYTES + 1} bytes: payload_too_large, not relayed, the connection stays`, async () => {
    const { session, b } = await roomWithBystander();
    const relays = b.received.length;
    const a = new Peer(server, session.id, { name: "a" });
    await a.connect();
    const ack = await ask(a.socket, "code_change", updateOfSize(MAX_UPDATE_BYTES + 1).u);
    assert.equal(ack.ok, false, JSON.stringify(ack));
    assert.equal(ack.error.code, "payload_too_large");
    await sleep(200);
    assert.equal(a.socket.connected, true, "the sender was disconnected");
    assert.equal(b.received.length, relays, "the oversized update was relayed");
    // The same connection keeps working.
    a.doc.getText("code").insert(0, "small ");
    assert.deepEqual(await a.lastSend, { ok: true });
    assert.ok(await waitFor(() => b.text === "small before\n", 2000), `bystander has ${JSON.stringify(b.text)}`);
    assert.equal(await restCode(server, session.id), "small before\n");
    a.close();
    b.close();
  });

  test(`an update of exactly ${MAX_UPDATE_BYTES} bytes is accepted`, async () => {
    const session = await createSession(server);
    const a = new Peer(server, session.id, { name: "a" });
    await a.connect();
    const { u, text } = updateOfSize(MAX_UPDATE_BYTES);
    assert.deepEqual(await ask(a.socket, "code_change", u), { ok: true });
    assert.ok((await restCode(server, session.id)) === text, "REST code is not the update's text");
    a.close();
  });

  test(`a document beyond ${MAX_DOC_BYTES / 1024 / 1024} MiB: document_too_large, not relayed, the connection stays`, async () => {
    const { session, b } = await roomWithBystander();
    const a = await joined(session.id, "a");
    let accepted = Buffer.byteLength("before\n");
    const mirror = new Y.Doc(); // the accepted updates
    Y.applyUpdate(mirror, Y.encodeStateAsUpdate(b.doc));
    let refused = null;
    // Relays reach b on their own schedule (one may still be in flight when a's next ack
    // arrives), so count what b must have received in the end rather than a snapshot.
    const base = b.received.length;
    let acceptedUpdates = 0;
    for (let i = 0; i < 40 && !refused; i++) {
      const piece = String.fromCharCode(97 + (i % 26)).repeat(500 * 1024);
      const u = updateOf((d) => d.getText("code").insert(0, piece));
      const ack = await ask(a, "code_change", u);
      if (ack.ok) {
        accepted += u.length;
        acceptedUpdates++;
        Y.applyUpdate(mirror, u);
        continue;
      }
      assert.equal(ack.error.code, "document_too_large", JSON.stringify(ack));
      refused = u;
      await sleep(200);
      assert.equal(b.received.length, base + acceptedUpdates, "the refused update was relayed");
    }
    assert.ok(refused, "no update was refused");
    assert.ok(accepted <= MAX_DOC_BYTES, `accepted ${accepted} bytes`);
    assert.ok(accepted + refused.length > MAX_DOC_BYTES, `refused at ${accepted} bytes`);
    assert.equal(a.connected, true, "the sender was disconnected");
    const code = await restCode(server, session.id);
    const expected = mirror.getText("code").toString();
    assert.equal(code.length, expected.length);
    assert.ok(code === expected, "REST code is not the accepted updates");
    a.close();
    b.close();
  });

  test("a document near the size limit can still be joined, live and after a reload", async () => {
    const session = await createSession(server);
    const a = await joined(session.id, "a");
    const mirror = new Y.Doc();
    // 15 x 500 KiB = 7.5 MiB, under the 8 MiB document limit
    for (let i = 0; i < 15; i++) {
      const u = updateOf((d) => d.getText("code").insert(0, String.fromCharCode(97 + i).repeat(500 * 1024)));
      assert.deepEqual(await ask(a, "code_change", u), { ok: true }, `piece ${i}`);
      Y.applyUpdate(mirror, u);
    }
    const expected = mirror.getText("code").toString();
    const live = await freshText(server, session.id).catch((e) => ({ text: `join failed: ${e.message}` }));
    assert.ok(live.text === expected, `joining the live room: ${live.text.slice(0, 80)}`);
    a.close();
    await sleep(500);
    const reloaded = await freshText(server, session.id).catch((e) => ({ text: `join failed: ${e.message}` }));
    assert.ok(reloaded.text === expected, `joining after a reload: ${reloaded.text.slice(0, 80)}`);
  });
});

describe("flood", () => {
  test(`more than ${UPDATE_BURST} updates at once: some rate_limited, never relayed; the connection stays`, async () => {
    const { session, b } = await roomWithBystander();
    const relays = b.received.length;
    const a = await joined(session.id, "flooder");
    const doc = new Y.Doc();
    const text = doc.getText("code");
    const updates = [];
    doc.on("update", (u) => updates.push(u));
    for (let i = 0; i < 700; i++) text.insert(text.length, `${i};`);
    const acks = await Promise.all(updates.map((u) => ask(a, "code_change", u)));
    const accepted = updates.filter((_, i) => acks[i].ok);
    const limited = acks.filter((x) => !x.ok);
    assert.ok(limited.length >= 100, `only ${limited.length} of 700 refused`);
    assert.ok(accepted.length >= UPDATE_BURST, `only ${accepted.length} accepted`);
    for (const x of limited) assert.equal(x.error.code, "rate_limited", JSON.stringify(x));
    // The bystander gets exactly the accepted updates, in order.
    await waitFor(() => b.received.length - relays >= accepted.length, 5000);
    await sleep(200);
    const got = b.received.slice(relays).map((u) => Buffer.from(u).toString("base64"));
    assert.equal(got.length, accepted.length, "relayed count differs from accepted count");
    assert.deepEqual(got, accepted.map((u) => Buffer.from(u).toString("base64")));
    assert.equal(a.connected, true, "the flooder was disconnected");
    await sleep(1100); // the bucket refills at 100/s
    const later = updateOf((d) => d.getText("code").insert(0, "later "));
    assert.deepEqual(await ask(a, "code_change", later), { ok: true });
    a.close();
    b.close();
  });
});

describe("join", () => {
  for (const [name, id] of [
    ["an unknown session", "5b0e6a3e-8a5d-4b7e-9f00-3d4c2b1a0f9e"],
    ["a session id that is not a UUID", "not-a-session"],
  ]) {
    test(`${name}: session_not_found`, async () => {
      const socket = await connectSocket(server);
      const ack = await ask(socket, "join", { session_id: id, name: "x" });
      assert.equal(ack.ok, false, JSON.stringify(ack));
      assert.equal(ack.error.code, "session_not_found");
      assert.equal(typeof ack.error.message, "string");
      socket.close();
    });
  }

  test("a deleted session: session_not_found", async () => {
    const session = await createSession(server);
    assert.equal((await deleteSession(server, session)).status, 204);
    const socket = await connectSocket(server);
    const ack = await ask(socket, "join", { session_id: session.id, name: "x" });
    assert.equal(ack.ok, false, JSON.stringify(ack));
    assert.equal(ack.error.code, "session_not_found");
    socket.close();
  });

  test("code_change before join: not_joined, nothing relayed", async () => {
    const { session, b } = await roomWithBystander();
    const relays = b.received.length;
    const socket = await connectSocket(server);
    const ack = await ask(socket, "code_change", updateOf((d) => d.getText("code").insert(0, "sneaky")));
    assert.equal(ack.ok, false);
    assert.equal(ack.error.code, "not_joined");
    await assertBystanderFine(session, b, relays);
    socket.close();
    b.close();
  });

  test("a state vector that is not one: invalid_state_vector", async () => {
    const session = await createSession(server);
    const socket = await connectSocket(server);
    const ack = await ask(socket, "join", {
      session_id: session.id,
      name: "x",
      state_vector: Uint8Array.from([5, 1, 2]),
    });
    assert.equal(ack.ok, false, JSON.stringify(ack));
    assert.equal(ack.error.code, "invalid_state_vector");
    socket.close();
  });

  test("rejoining with the state vector of a document that knows more than 256 clients", async () => {
    const session = await createSession(server);
    const p = new Peer(server, session.id, { name: "p" });
    await p.connect();
    for (let i = 0; i < 300; i++) {
      const d = new Y.Doc();
      d.getText("code").insert(0, `‹${i}›`);
      const u = Y.encodeStateAsUpdate(d);
      Y.applyUpdate(p.doc, u, REMOTE);
      assert.deepEqual(await ask(p.socket, "code_change", u), { ok: true }, `editor ${i}`);
    }
    // The server's own state vector has 301 entries; a client holding the
    // same document must be able to rejoin with it.
    p.disconnect();
    const ack = await p.connect();
    assert.equal(ack.ok, true);
    assert.equal(p.text, (await freshText(server, session.id)).text);
    p.close();
  });
});
