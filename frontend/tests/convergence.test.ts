/**
 * Seeded random convergence: several providers edit the same text through the
 * fake server while connections drop and come back; every replica and the
 * server must end with the same text.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CollabProvider } from '../src/services/collab/provider';
import { FakeServer, type FakeSocket } from './fakes/fakeServer';

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcdefghij \n{}()=;é😀';

function run(seed: number, clients: number, steps: number) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const server = new FakeServer();
  const replicas = Array.from({ length: clients }, (_, i) => {
    const doc = new Y.Doc();
    let socket!: FakeSocket;
    const provider = new CollabProvider({
      sessionId: 's',
      name: `user${i}`,
      doc,
      awareness: new Awareness(doc),
      socketFactory: () => (socket = server.socket()),
    });
    provider.connect();
    return { doc, provider, socket: () => socket };
  });

  for (let step = 0; step < steps; step++) {
    const r = replicas[int(clients)]!;
    const text = r.doc.getText('code');
    const roll = rand();
    if (roll < 0.55 || text.length === 0) {
      const chars = [...ALPHABET];
      const s = Array.from({ length: 1 + int(4) }, () => chars[int(chars.length)]).join('');
      text.insert(int(text.length + 1), s);
    } else if (roll < 0.85) {
      const at = int(text.length);
      text.delete(at, Math.min(text.length - at, 1 + int(3)));
    } else if (roll < 0.93) {
      r.socket().drop();
    } else {
      // the network comes back for everyone who dropped
      server.restart();
    }
  }
  server.restart();
  return { server, replicas };
}

describe('convergence', () => {
  for (const seed of [1, 7, 42, 1234, 99991]) {
    it(`replicas converge (seed ${seed})`, () => {
      const { server, replicas } = run(seed, 3, 400);
      const expected = server.text();
      for (const r of replicas) {
        expect(r.doc.getText('code').toString()).toBe(expected);
        expect(r.provider.pendingCount).toBe(0);
        expect(r.provider.status).toBe('connected');
      }
    });
  }
});
