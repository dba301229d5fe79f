// Durability: an acknowledged code_change is on disk. Writers edit as fast as
// they can while the server is SIGKILLed at a random moment; after a restart
// on the same database every acknowledged edit -- from this round and all
// earlier ones -- must be in the document (a rejoining Yjs client) and in the
// REST `code`. Unacknowledged edits may be lost. SQLite by default;
// PAIRPAD_TEST_DB=postgres://... runs the same against PostgreSQL.
//
//   COLLAB_SEED=n  replay the random choices of one run (printed)
import assert from "node:assert/strict";
import { test } from "node:test";
import * as Y from "yjs";
import {
  Peer,
  ask,
  connectSocket,
  createDatabase,
  createSession,
  freshText,
  randInt,
  restCode,
  sleep,
  startServer,
  substream,
  waitFor,
} from "./harness.mjs";

const SEED = process.env.COLLAB_SEED ? Number(process.env.COLLAB_SEED) : Math.floor(Math.random() * 1e9);
const ROUNDS = 6;
const WRITERS = 3;
const MAX_INFLIGHT = 24; // per writer
const MAX_EDITS = 350; // per writer and round: below the rate limit's burst (400)

// Every edit inserts or deletes one whole marker, so presence is checkable.
const MARKER = /‹[^›]*›/gu;

/** What happened to each marker, from the writers' point of view. */
class Ledger {
  constructor() {
    this.markers = new Map(); // marker -> {inserted, deleteSent, deleted} (acked flags)
    this.updates = []; // every acknowledged update
  }
  entry(m) {
    if (!this.markers.has(m)) this.markers.set(m, { inserted: false, deleteSent: false, deleted: false });
    return this.markers.get(m);
  }
  /** Problems of `text` against what was acknowledged. */
  check(text) {
    const present = new Set(text.match(MARKER) || []);
    const problems = [];
    for (const [m, e] of this.markers) {
      if (e.deleted && present.has(m)) problems.push(`${m}: deletion acknowledged, still present`);
      else if (e.inserted && !e.deleteSent && !present.has(m)) problems.push(`${m}: insertion acknowledged, missing`);
    }
    return problems;
  }
  get acknowledged() {
    let n = 0;
    for (const e of this.markers.values()) n += e.inserted + e.deleted;
    return n;
  }
}

/** Edits until the connection drops (the server is killed) or stop.value. */
async function writer(peer, rng, ledger, tag, stop) {
  const text = peer.doc.getText("code");
  let k = 0;
  let deletes = 0;
  while (!stop.value && peer.joined && k + deletes < MAX_EDITS) {
    if (peer.inflight >= MAX_INFLIGHT) {
      await sleep(1);
      continue;
    }
    const s = text.toString();
    const markers = [...s.matchAll(MARKER)];
    let op;
    if (markers.length > 8 && rng() < 0.3) {
      const m = markers[randInt(rng, 0, markers.length - 1)];
      op = { del: m[0] };
      deletes++;
      ledger.entry(m[0]).deleteSent = true;
      text.delete(m.index, m[0].length);
    } else {
      const ends = [0, ...markers.map((m) => m.index + m[0].length)];
      const marker = `‹${tag}.${k++}${rng() < 0.2 ? "é中😀" : ""}›`;
      op = { ins: marker };
      ledger.entry(marker);
      text.insert(ends[randInt(rng, 0, ends.length - 1)], marker);
    }
    peer.lastSend.then((ack) => {
      if (!ack.ok) return;
      if (op.ins) ledger.entry(op.ins).inserted = true;
      else ledger.entry(op.del).deleted = true;
    });
    await sleep(randInt(rng, 0, 2));
  }
}

/** The first server on a new database; the database goes if it fails. */
async function firstServer(db) {
  try {
    return await startServer(db);
  } catch (e) {
    await db.drop();
    throw e;
  }
}

/** Asserts that the restarted server holds every acknowledged edit. */
async function checkServer(server, sessionId, ledger, peersAcked, what) {
  const code = await restCode(server, sessionId);
  const { text, doc } = await freshText(server, sessionId);
  const inDoc = ledger.check(text);
  assert.deepEqual(inDoc.slice(0, 20), [], `${what}: the rejoined document lacks acknowledged edits (${inDoc.length}); seed=${SEED}`);
  // Applying every acknowledged update to the rejoined document changes nothing.
  const probe = new Y.Doc();
  Y.applyUpdate(probe, Y.encodeStateAsUpdate(doc));
  const before = Y.snapshot(probe);
  for (const u of peersAcked) Y.applyUpdate(probe, u);
  assert.ok(Y.equalSnapshots(before, Y.snapshot(probe)), `${what}: the rejoined document does not contain every acknowledged update; seed=${SEED}`);
  const inCode = ledger.check(code);
  assert.deepEqual(inCode.slice(0, 20), [], `${what}: REST code lacks acknowledged edits (${inCode.length}); seed=${SEED}`);
  assert.ok(code === text, `${what}: REST code (${code.length} chars) differs from the document (${text.length} chars); seed=${SEED}`);
}

test(`acknowledged edits survive SIGKILL at random moments (${ROUNDS} rounds; seed=${SEED})`, async (t) => {
  const rng = substream(SEED, 0);
  const db = await createDatabase();
  let server = await firstServer(db);
  const ledger = new Ledger();
  const acked = [];
  try {
    const session = await createSession(server);
    for (let round = 1; round <= ROUNDS; round++) {
      const peers = [];
      for (let w = 0; w < WRITERS; w++) {
        const p = new Peer(server, session.id, { name: `w${w}` });
        await p.connect();
        peers.push(p);
      }
      const stop = { value: false };
      const loops = peers.map((p, w) => writer(p, substream(SEED, round, w), ledger, `${round}.${w}`, stop));
      await sleep(randInt(rng, 100, 600));
      const inflight = peers.reduce((n, p) => n + p.inflight, 0);
      await server.kill("SIGKILL");
      stop.value = true;
      await Promise.all(loops);
      await Promise.all(peers.map((p) => p.settle()));
      for (const p of peers) {
        assert.deepEqual(p.ackErrors, [], `${p.name} had updates refused; seed=${SEED}`);
        acked.push(...p.acked);
        p.close();
      }
      const sent = peers.reduce((n, p) => n + p.acked.length, 0);
      t.diagnostic(
        `round ${round}: ${sent} updates acknowledged, ${inflight} in flight at SIGKILL; ` +
          `${ledger.acknowledged} acknowledged edits in all`,
      );
      assert.ok(sent > 0, `round ${round}: nothing was acknowledged before the kill; seed=${SEED}`);
      server = await startServer(db);
      await checkServer(server, session.id, ledger, acked, `after SIGKILL ${round}`);
    }
    // And once more through a clean shutdown.
    await server.stop();
    server = await startServer(db);
    await checkServer(server, session.id, ledger, acked, "after SIGTERM");
  } finally {
    if (server.alive) await server.stop();
    await db.drop();
  }
});

test("an edit is present after SIGKILL as soon as its ack has arrived", async () => {
  const db = await createDatabase();
  let server = await firstServer(db);
  try {
    const session = await createSession(server);
    const p = new Peer(server, session.id, { name: "w" });
    await p.connect();
    p.doc.getText("code").insert(0, "héllo 中文 😀\n");
    const ack = await p.lastSend;
    await server.kill("SIGKILL");
    p.close();
    assert.deepEqual(ack, { ok: true });
    server = await startServer(db);
    assert.equal((await freshText(server, session.id)).text, "héllo 中文 😀\n");
    assert.equal(await restCode(server, session.id), "héllo 中文 😀\n");
  } finally {
    if (server.alive) await server.stop();
    await db.drop();
  }
});

test("SIGTERM answers the edits it received and exits 0; every acknowledged edit stays", async () => {
  const db = await createDatabase();
  let server = await firstServer(db);
  try {
    const session = await createSession(server);
    const p = new Peer(server, session.id, { name: "w" });
    await p.connect();
    const text = p.doc.getText("code");
    const sends = [];
    for (let i = 0; i < 200; i++) {
      text.insert(text.length, `‹${i}›`);
      sends.push(p.lastSend);
    }
    await waitFor(() => p.acked.length > 0, 5000, 1);
    await server.stop(); // throws unless the exit status is 0
    const acks = await Promise.all(sends);
    const ok = acks.filter((a) => a.ok).length;
    // Acks are in order: the first `ok` edits are the acknowledged ones.
    assert.ok(acks.slice(0, ok).every((a) => a.ok), "acks out of order");
    p.close();
    server = await startServer(db);
    const expected = Array.from({ length: ok }, (_, i) => `‹${i}›`).join("");
    const got = (await freshText(server, session.id)).text;
    assert.ok(got.startsWith(expected), `the first ${ok} acknowledged edits are not all there: ${got.slice(0, 200)}`);
  } finally {
    if (server.alive) await server.stop();
    await db.drop();
  }
});

test("after SIGKILL, REST code is the document's text even while other sessions load", async () => {
  // The `code` column must describe the durable document: never text of
  // updates that were applied in memory but not yet written. Other sessions
  // being joined (documents loading) interleave with this session's writes.
  const rng = substream(SEED, 1000);
  const db = await createDatabase();
  let server = await firstServer(db);
  try {
    const others = [];
    for (let i = 0; i < 20; i++) others.push((await createSession(server)).id);
    for (let trial = 0; trial < 25; trial++) {
      const session = await createSession(server);
      const w = new Peer(server, session.id, { name: "w" });
      await w.connect();
      const stop = { value: false };
      const writer = (async () => {
        const text = w.doc.getText("code");
        for (let k = 0; k < 350 && !stop.value && w.joined; k++) {
          text.insert(0, `‹${k}›`);
          await sleep(1); // still writing when the kill comes
        }
      })();
      const joiners = Array.from({ length: 6 }, async () => {
        while (!stop.value) {
          let socket = null;
          try {
            socket = await connectSocket(server, { timeoutMs: 2000 });
            await ask(socket, "join", { session_id: others[randInt(rng, 0, others.length - 1)], name: "j" }, 2000);
          } catch {
            /* the server is gone */
          } finally {
            socket?.close();
          }
        }
      });
      await sleep(randInt(rng, 50, 250));
      await server.kill("SIGKILL");
      stop.value = true;
      await Promise.all([writer, ...joiners]);
      w.close();
      server = await startServer(db);
      const code = await restCode(server, session.id);
      const { text } = await freshText(server, session.id);
      const extra = (code.match(MARKER) || []).filter((m) => !text.includes(m));
      assert.ok(
        code === text,
        `trial ${trial}: REST code (${code.length} chars) is not the document after restart (${text.length} chars); ` +
          `in code only: ${extra.slice(0, 10).join(" ")}; ${w.acked.length} updates were acknowledged; seed=${SEED}`,
      );
    }
  } finally {
    if (server.alive) await server.stop();
    await db.drop();
  }
});
