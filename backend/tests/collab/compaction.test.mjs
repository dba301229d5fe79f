// Compaction: the server replaces the update log by a snapshot after 500
// updates or 512 KiB, and when the last member leaves; a room is loaded from
// the snapshot and the log after it. Each test reloads the document (fresh
// joiner, REST `code`, restarted server) and compares its content with what
// the clients wrote -- never row counts (STYLE 17).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as Y from "yjs";
import {
  Peer,
  REMOTE,
  SNAPSHOT_EVERY_BYTES,
  SNAPSHOT_EVERY_UPDATES,
  ask,
  connectSocket,
  createDatabase,
  createSession,
  describeDiff,
  freshText,
  paste,
  randomEdit,
  restCode,
  sleep,
  startServer,
  substream,
  waitFor,
} from "./harness.mjs";

const SEED = process.env.COLLAB_SEED ? Number(process.env.COLLAB_SEED) : Math.floor(Math.random() * 1e9);

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

/** Restarts the shared server on the same database (SIGTERM, or SIGKILL). */
async function restart(signal = "SIGTERM") {
  if (signal === "SIGTERM") await server.stop();
  else await server.kill(signal);
  server = await startServer(db);
}

/**
 * `writers` clients each send `each` random edits (acknowledged one by one
 * per client, the clients concurrently); returns the peers, converged.
 */
async function write(sessionId, writers, each, seed) {
  const peers = [];
  for (let w = 0; w < writers; w++) {
    const p = new Peer(server, sessionId, { name: `w${w}` });
    await p.connect();
    peers.push(p);
  }
  await Promise.all(
    peers.map(async (p, w) => {
      const rng = substream(seed, w);
      for (let i = 0; i < each; i++) {
        randomEdit(p.doc, rng, { pastes: 0, maxPastes: 0 });
        const ack = await p.lastSend;
        assert.deepEqual(ack, { ok: true }, `update ${i} of ${p.name}; seed=${seed}`);
      }
    }),
  );
  const same = () => peers.every((p) => p.text === peers[0].text);
  assert.ok(await waitFor(same, 5000), `writers did not converge; seed=${seed}`);
  return peers;
}

/** The reloaded content must equal `expected`: fresh joiner and REST. */
async function assertContent(sessionId, expected, what) {
  const fresh = await freshText(server, sessionId);
  assert.ok(fresh.text === expected, `${what}: a fresh joiner sees ${describeDiff(fresh.text, expected)}; seed=${SEED}`);
  const code = await restCode(server, sessionId);
  assert.ok(code === expected, `${what}: REST code is ${describeDiff(code, expected)}; seed=${SEED}`);
}

test(`more than ${SNAPSHOT_EVERY_UPDATES} updates: content survives leaving, rejoining and a restart (seed=${SEED})`, async () => {
  const session = await createSession(server);
  // 4 x 300 = 1200 updates: two compactions by count while the room is live
  const peers = await write(session.id, 4, 300, SEED);
  const expected = peers[0].text;
  await assertContent(session.id, expected, "live room");
  for (const p of peers) p.close(); // the last one out writes a snapshot
  await sleep(200);
  await assertContent(session.id, expected, "after everyone left");
  await restart("SIGTERM");
  await assertContent(session.id, expected, "after a restart");
});

test(`after SIGKILL a live room is rebuilt from the last snapshot and the log after it (seed=${SEED})`, async () => {
  const session = await createSession(server);
  // 3 x 250 = 750 updates: one snapshot after 500, 250 in the log after it
  const peers = await write(session.id, 3, 250, SEED + 1);
  const expected = peers[0].text;
  await restart("SIGKILL"); // nobody left: no snapshot on leave
  for (const p of peers) p.close();
  await assertContent(session.id, expected, "after SIGKILL");
  await restart("SIGKILL"); // loaded but unchanged: the same again
  await assertContent(session.id, expected, "after a second SIGKILL");
});

test(`more than ${SNAPSHOT_EVERY_BYTES / 1024} KiB of updates: content survives SIGKILL`, async () => {
  const session = await createSession(server);
  const p = new Peer(server, session.id, { name: "w" });
  await p.connect();
  const rng = substream(SEED, 99);
  const text = p.doc.getText("code");
  // 4 large pastes (~200 KB each, below the 512 KiB update limit) among edits
  for (let i = 0; i < 40; i++) {
    if (i % 10 === 5) text.insert(text.length, paste(rng, 200 * 1024));
    else randomEdit(p.doc, rng, { pastes: 0, maxPastes: 0 });
    assert.deepEqual(await p.lastSend, { ok: true }, `edit ${i}`);
  }
  assert.ok(Buffer.byteLength(p.text) > SNAPSHOT_EVERY_BYTES * 1.5);
  const expected = p.text;
  await restart("SIGKILL");
  p.close();
  await assertContent(session.id, expected, "after SIGKILL");
});

// [u1, u2] where u2 depends on u1 and reaches the server first.
const WAITING = {
  "an insertion continuing one not yet received": (doc) => {
    doc.getText("code").insert(0, "first ");
    doc.getText("code").insert(6, "second");
  },
  "a deletion of an insertion not yet received": (doc) => {
    doc.getText("code").insert(0, "keep DROP keep");
    doc.getText("code").delete(4, 5);
  },
};
for (const [name, edits] of Object.entries(WAITING)) {
  test(`${name}, acknowledged while waiting for it, survives compaction`, async () => {
    const src = new Y.Doc();
    const ups = [];
    src.on("update", (u) => ups.push(u));
    edits(src);
    const [u1, u2] = ups;
    const expected = src.getText("code").toString();
    const session = await createSession(server);

    const a = await connectSocket(server);
    assert.equal((await ask(a, "join", { session_id: session.id, name: "a" })).ok, true);
    assert.deepEqual(await ask(a, "code_change", u2), { ok: true });
    a.close(); // the last one out: a snapshot
    await sleep(300);
    await restart("SIGTERM"); // the room is loaded again from the database

    const b = await connectSocket(server);
    assert.equal((await ask(b, "join", { session_id: session.id, name: "b" })).ok, true);
    assert.deepEqual(await ask(b, "code_change", u1), { ok: true });
    b.close();
    await sleep(200);
    await assertContent(session.id, expected, "after the dependency arrived");
    await restart("SIGTERM");
    await assertContent(session.id, expected, "after a restart");
  });
}

test("a document edited by more than 256 Yjs clients survives compaction", async () => {
  const session = await createSession(server);
  const p = new Peer(server, session.id, { name: "p" });
  await p.connect();
  // 300 editors (e.g. 300 page loads over a day), each its own Yjs client id;
  // one connection relays their updates.
  for (let i = 0; i < 300; i++) {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(p.doc));
    d.getText("code").insert(d.getText("code").length, `‹${i}›`);
    const u = Y.encodeStateAsUpdate(d, Y.encodeStateVector(p.doc));
    Y.applyUpdate(p.doc, u, REMOTE);
    assert.deepEqual(await ask(p.socket, "code_change", u), { ok: true }, `editor ${i}`);
  }
  const expected = p.text;
  assert.equal(expected, Array.from({ length: 300 }, (_, i) => `‹${i}›`).join(""));
  p.close(); // snapshot
  await sleep(300);
  await assertContent(session.id, expected, "after everyone left");
  await restart("SIGTERM");
  await assertContent(session.id, expected, "after a restart");
});

test("a document of more than 100 000 items survives compaction", async () => {
  const session = await createSession(server);
  const p = new Peer(server, session.id, { name: "p" });
  await p.connect();
  const text = p.doc.getText("code");
  // A 60 000-character line, then five updates that each put a "y" after
  // every fifth "x" of it: 60 000 items from one client and the line split
  // as many times, in updates of 12 000 items (~250 KB) each.
  const N = 60000;
  text.insert(0, "x".repeat(N));
  assert.deepEqual(await p.lastSend, { ok: true });
  for (let r = 0; r < 5; r++) {
    const s = text.toString();
    const at = [];
    for (let i = 0, x = 0; i < s.length; i++) {
      if (s[i] !== "x") continue;
      if (x++ % 5 === r) at.push(i + 1);
    }
    p.doc.transact(() => {
      for (let j = at.length - 1; j >= 0; j--) text.insert(at[j], "y");
    });
    assert.deepEqual(await p.lastSend, { ok: true }, `round ${r}`);
  }
  const expected = p.text;
  const structs = Y.decodeUpdate(Y.encodeStateAsUpdate(p.doc)).structs.length;
  assert.ok(structs > 100000, `only ${structs} items`);
  p.close(); // snapshot
  await sleep(500);
  await assertContent(session.id, expected, "after everyone left");
  await restart("SIGTERM");
  await assertContent(session.id, expected, "after a restart");
});
