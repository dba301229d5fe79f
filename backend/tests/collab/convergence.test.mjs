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
  pick,
  randInt,
  restCode,
  sleep,
  startServer,
  substream,
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

// Pieces of inserted text: ASCII, precomposed and combining accents, CJK,
// RTL, emoji outside the BMP (surrogate pairs), ZWJ sequences, flags.
const PIECES = [
  ..."abcdefghijklmnopqrstuvwxyz",
  " ", " ", "\n", "\t", "{", "}", "(", ");",
  "é", "ß", "ø", "€", "Ж", "ع", "中文", "字",
  "e\u0301", "a\u0308", "\u0301", "\u20dd",
  "😀", "🎉", "𝄞", "👩‍💻", "🇫🇷", "👍🏽",
];

function randomText(rng, pieces) {
  let s = "";
  for (let i = 0; i < pieces; i++) s += pick(rng, PIECES);
  return s;
}

/** About `bytes` UTF-8 bytes of code-like lines. */
function paste(rng, bytes) {
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
function boundary(s, i) {
  if (i > 0 && i < s.length && isLow(s.charCodeAt(i)) && isHigh(s.charCodeAt(i - 1))) return i - 1;
  return i;
}

/** One local edit as one transaction (= one update). */
function edit(doc, rng, state) {
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
    } else if (r < 0.97 || state.pastes >= 2) {
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
    edit(peer.doc, rng, state);
    if (offline > 0 && --offline === 0) await peer.connect();
  }
  if (!peer.joined) await peer.connect();
}

/** What a doc is missing, for failure messages. */
function pendingInfo(doc) {
  const sv = Object.fromEntries(Y.decodeStateVector(Y.encodeStateVector(doc)));
  const ps = doc.store.pendingStructs;
  const missing = ps ? Object.fromEntries(ps.missing) : null;
  const ds = doc.store.pendingDs ? Y.decodeUpdate(doc.store.pendingDs).ds.clients : null;
  return JSON.stringify({ state: sv, missing, pendingDeletes: ds && Object.fromEntries(ds) });
}

const TRANSPORT = process.env.COLLAB_TRANSPORT === "ws" ? () => ["websocket"] : process.env.COLLAB_TRANSPORT === "polling" ? () => ["polling"] : (rng) => (rng() < 0.2 ? ["polling", "websocket"] : ["websocket"]);
async function runSeed(server, seed) {
  const rng = substream(seed, 0);
  const session = await createSession(server);
  const n = randInt(rng, 3, 5);
  const peers = [];
  for (let i = 0; i < n; i++) {
    peers.push(
      new Peer(server, session.id, {
        name: `p${i}`,
        doc: new Y.Doc(),
        // some clients start on long-polling and upgrade, as browsers may
        transports: TRANSPORT(rng),
        shim: { rng: substream(seed, 1, i), maxDelayMs: 25, duplicateRate: 0.15 },
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
    }, 10000, 20);

    const t = texts();
    const code = await restCode(server, session.id);
    if (process.env.COLLAB_DEBUG) {
      const fresh = await freshText(server, session.id);
      console.error(`seed=${seed} server ${pendingInfo(fresh.doc)}`);
      for (const p of peers) console.error(`seed=${seed} ${p.name} id=${p.doc.clientID} ${pendingInfo(p.doc)}`);
    }
    for (const p of peers) {
      assert.deepEqual(p.errors, [], `seed=${seed}: ${p.name} saw errors`);
      assert.deepEqual(p.ackErrors, [], `seed=${seed}: ${p.name} had updates refused`);
      assert.deepEqual(p.errorEvents, [], `seed=${seed}: ${p.name} got error events`);
      assert.ok(!hasPending(p.doc), `seed=${seed}: ${p.name} has updates it cannot integrate: ${pendingInfo(p.doc)}`);
    }
    for (let i = 1; i < n; i++)
      assert.ok(t[i] === t[0], `seed=${seed}: client ${i} differs from client 0: ${describeDiff(t[i], t[0])}`);
    assert.ok(code === t[0], `seed=${seed}: REST code differs from the clients: ${describeDiff(code, t[0])}`);
    const fresh = await freshText(server, session.id);
    assert.ok(fresh.text === t[0], `seed=${seed}: a fresh joiner differs: ${describeDiff(fresh.text, t[0])}`);
    assert.ok(converged, `seed=${seed}: did not converge within 10 s`);
    assert.ok(t[0].length > 0, `seed=${seed}: empty document`);
  } finally {
    for (const p of peers) p.close();
  }
}

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

test(`${seeds.length} seeded sessions converge (seeds ${seeds[0]}..${seeds.at(-1)}; replay one with COLLAB_SEED=<n>)`, { concurrency: CONCURRENCY }, async (t) => {
  t.diagnostic(`COLLAB_SEED_BASE=${BASE}`);
  await Promise.all(seeds.map((seed) => t.test(`seed=${seed}`, () => runSeed(server, seed))));
});
