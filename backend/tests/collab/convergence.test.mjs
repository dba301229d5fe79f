// Seeded random convergence: 3-5 real Yjs clients per session edit the same
// text concurrently (multi-byte Unicode, long pastes) through a network shim
// that delays, duplicates and reorders updates both ways, and drop off,
// edit offline and rejoin with their state vector. Once every update is
// acknowledged, every client, a fresh joiner and the REST `code` must hold
// the same text.
//
//   COLLAB_SEEDS=n        seeds per run (default 200)
//   COLLAB_SEED=n         replay one seed
//   COLLAB_SEED_BASE=n    first seed (default: random, printed)
//   COLLAB_CONCURRENCY=n  sessions edited at once (default 8)
//   COLLAB_TRANSPORT=websocket|polling  (default: mixed)
//   COLLAB_SHIM=off       no delayed/duplicated/reordered updates
//
// A replayed seed makes the same edits with the same Yjs client ids, but
// network timing (and so the interleaving) varies from run to run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as Y from "yjs";
import {
  Peer,
  createDatabase,
  createSession,
  describeDiff,
  freshText,
  hasPending,
  randInt,
  randomEdit,
  restCode,
  sleep,
  startServer,
  stateInfo,
  substream,
  textOf,
  waitFor,
} from "./harness.mjs";

const SEEDS = Number(process.env.COLLAB_SEEDS || 200);
const CONCURRENCY = Number(process.env.COLLAB_CONCURRENCY || 8);
const BASE = process.env.COLLAB_SEED_BASE
  ? Number(process.env.COLLAB_SEED_BASE)
  : Math.floor(Math.random() * 1e9);
const seeds = process.env.COLLAB_SEED
  ? [Number(process.env.COLLAB_SEED)]
  : Array.from({ length: SEEDS }, (_, i) => BASE + i);

let db;
let server;
before(async () => {
  db = await createDatabase();
  server = await startServer(db);
});
after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    if (db) await db.drop();
  }
});

/** One participant's session: edits, drop-outs with offline edits, rejoins. */
async function actor(peer, rng) {
  const ops = randInt(rng, 10, 35);
  const state = { pastes: 0 };
  let offline = 0;
  for (let k = 0; k < ops; k++) {
    await sleep(randInt(rng, 0, 12));
    if (offline === 0 && rng() < 0.05) {
      peer.disconnect();
      offline = randInt(rng, 1, 6);
      continue;
    }
    randomEdit(peer.doc, rng, state);
    if (offline > 0 && --offline === 0) await peer.connect();
  }
  if (!peer.joined) await peer.connect();
}

// Transports: by default a fifth of the clients start on long-polling and
// upgrade to WebSocket, as browsers may; COLLAB_TRANSPORT=websocket|polling
// forces one.
const TRANSPORT =
  process.env.COLLAB_TRANSPORT === "websocket"
    ? () => ["websocket"]
    : process.env.COLLAB_TRANSPORT === "polling"
      ? () => ["polling"]
      : (rng) => (rng() < 0.2 ? ["polling", "websocket"] : ["websocket"]);

/** A Y.Doc whose client id follows from the seed (replays keep the ids). */
function seededDoc(seed, i) {
  const doc = new Y.Doc();
  doc.clientID = Math.floor(substream(seed, 3, i)() * 2 ** 29) * 8 + i; // uint32, distinct per i
  return doc;
}

async function runSeed(server, seed) {
  const rng = substream(seed, 0);
  const session = await createSession(server);
  const n = randInt(rng, 3, 5);
  const peers = [];
  for (let i = 0; i < n; i++) {
    peers.push(
      new Peer(server, session.id, {
        name: `p${i}`,
        doc: seededDoc(seed, i),
        transports: TRANSPORT(rng),
        shim: process.env.COLLAB_SHIM === "off" ? null : { rng: substream(seed, 1, i), maxDelayMs: 25, duplicateRate: 0.15 },
      }),
    );
  }
  try {
    await Promise.all(peers.map((p) => p.connect()));
    await Promise.all(peers.map((p, i) => actor(p, substream(seed, 2, i))));

    // Every update sent and answered; refused ones (none expected) resync.
    await Promise.all(peers.map((p) => p.settle()));
    for (const p of peers) {
      if (p.dirty) {
        p.disconnect();
        await p.connect();
        await p.settle();
      }
    }
    const texts = () => peers.map((p) => p.text);
    const converged = await waitFor(async () => {
      if (!peers.every((p) => p.idle)) return false;
      const t = texts();
      return t.every((x) => x === t[0]) && (await restCode(server, session.id)) === t[0];
    }, 5000, 20);

    const t = texts();
    const code = await restCode(server, session.id);
    // Who holds what, for failure messages: the server (a fresh joiner) and each client.
    const fresh = await freshText(server, session.id);
    const report = () =>
      `\n  server ${stateInfo(fresh.doc)}\n` +
      peers.map((p) => `  ${p.name} (client ${p.doc.clientID}) ${stateInfo(p.doc)}`).join("\n");
    for (const p of peers) {
      assert.deepEqual(p.errors, [], `seed=${seed}: ${p.name} saw errors`);
      assert.deepEqual(p.ackErrors, [], `seed=${seed}: ${p.name} had updates refused`);
      assert.deepEqual(p.errorEvents, [], `seed=${seed}: ${p.name} got error events`);
      assert.ok(!hasPending(p.doc), `seed=${seed}: ${p.name} has updates it cannot integrate${report()}`);
    }
    for (let i = 1; i < n; i++)
      assert.ok(t[i] === t[0], `seed=${seed}: client ${i} differs from client 0: ${describeDiff(t[i], t[0])}${report()}`);
    assert.ok(code === t[0], `seed=${seed}: REST code differs from the clients: ${describeDiff(code, t[0])}${report()}`);
    assert.ok(fresh.text === t[0], `seed=${seed}: a fresh joiner differs: ${describeDiff(fresh.text, t[0])}${report()}`);
    assert.ok(converged, `seed=${seed}: did not converge within 5 s`);
    assert.ok(t[0].length > 0, `seed=${seed}: empty document`);
  } finally {
    for (const p of peers) p.close();
  }
}

// Deterministic cases behind the random ones: an update the server cannot
// integrate yet (its dependency is still on the way) must still reach a
// client that joins before the dependency arrives. [u1, u2]: u2 depends on u1.
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
  test(`a client joining while the server holds ${name} gets it`, async () => {
    const src = new Y.Doc();
    const ups = [];
    src.on("update", (u) => ups.push(u));
    edits(src);
    const [u1, u2] = ups;
    const session = await createSession(server);
    const early = new Peer(server, session.id, { name: "early" });
    await early.connect();
    const sender = new Peer(server, session.id, { name: "sender" });
    await sender.connect();
    assert.deepEqual(await sender.send(u2), { ok: true });
    const late = new Peer(server, session.id, { name: "late" }); // joins in between
    await late.connect();
    assert.deepEqual(await sender.send(u1), { ok: true });
    const expected = textOf(src);
    await waitFor(() => early.text === expected && late.text === expected, 2000);
    assert.equal(early.text, expected, "a member during both updates");
    assert.equal(await restCode(server, session.id), expected, "REST code");
    assert.equal((await freshText(server, session.id)).text, expected, "a fresh joiner afterwards");
    assert.equal(late.text, expected, `the client that joined in between: ${stateInfo(late.doc)}`);
    for (const p of [early, sender, late]) p.close();
  });
}

test(`${seeds.length} seeded sessions converge (seeds ${seeds[0]}..${seeds.at(-1)}; replay one with COLLAB_SEED=<n>)`, { concurrency: CONCURRENCY }, async (t) => {
  t.diagnostic(`COLLAB_SEED_BASE=${BASE}`);
  await Promise.all(seeds.map((seed) => t.test(`seed=${seed}`, () => runSeed(server, seed))));
});
