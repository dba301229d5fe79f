// Load-generator process for collab/run.mjs (forked; driven over IPC).
//
// Each room has a typist and an observer, both in this process. The typist
// appends one character at a time to Y.Text "code" at `rate` chars/s (a
// random phase per room); the n-th character (n from 0) is the CJK code
// point U+4E00 + n mod 20992, so the observer can check the order, and the
// send time of n is kept here. The observer's Y.Text observer times every
// character it sees: typist insert -> observer sees it. With `prefill`, each
// document first gets that many ASCII characters in one update.
import { PairpadClient, HocusClient, newCounters } from "./clients.mjs";
import { Histogram } from "../lib/hist.mjs";
import { serve } from "../lib/ipc.mjs";
import { selfCpuSeconds } from "../lib/proc.mjs";

const BASE = 0x4e00;
const SPAN = 20992;
const RING = 4096; // send times kept per room (in-flight characters)

const counters = newCounters();
const hist = new Histogram();
let rooms = [];
let measuring = false;
let typing = false;
const win = { seen: 0, sent: 0 };
let markCpu = 0;
let markT = 0;

function onObserved(room, ch) {
  const n = room.seen++;
  if (ch - BASE !== n % SPAN) room.misordered++;
  if (measuring) {
    win.seen++;
    const t = room.sendTimes[n % RING];
    if (t > 0) hist.add((performance.now() - t) * 1000);
  }
}

/** Runs fn over items with at most c in flight. */
async function pool(items, c, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function startTyping(rate) {
  typing = true;
  const period = 1000 / rate;
  for (const room of rooms) {
    let due = performance.now() + Math.random() * period;
    const tick = () => {
      if (!typing) return;
      const now = performance.now();
      // Generator behind by more than 5 periods: skip ahead (and count it).
      if (now - due > 5 * period) {
        room.skipped += Math.floor((now - due) / period);
        due = now;
      }
      const n = room.sent++;
      room.sendTimes[n % RING] = performance.now();
      if (measuring) win.sent++;
      room.typist.text.insert(room.typist.text.length, String.fromCharCode(BASE + (n % SPAN)));
      due += period;
      room.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    room.timer = setTimeout(tick, Math.max(0, due - performance.now()));
  }
}

serve({
  async init(msg) {
    const Client = msg.kind === "hocuspocus" ? HocusClient : PairpadClient;
    rooms = msg.sessions.map((id) => ({
      id,
      typist: new Client(msg.url, id, "typist", counters),
      observer: new Client(msg.url, id, "observer", counters),
      sent: 0,
      seen: 0,
      misordered: 0,
      skipped: 0,
      prefillSeen: 0,
      sendTimes: new Float64Array(RING),
      timer: null,
    }));
    const t0 = performance.now();
    // Observers first, so every typed character has someone to reach.
    await pool(rooms, 32, async (room) => {
      await room.observer.connect(msg.timeoutMs);
      room.observer.text.observe((ev) => {
        for (const d of ev.delta) {
          if (typeof d.insert !== "string") continue;
          for (let i = 0; i < d.insert.length; i++) {
            const ch = d.insert.charCodeAt(i);
            if (ch >= BASE) onObserved(room, ch);
            else room.prefillSeen++;
          }
        }
      });
    });
    await pool(rooms, 32, (room) => room.typist.connect(msg.timeoutMs));
    const joinSeconds = (performance.now() - t0) / 1000;
    if (msg.prefill > 0) {
      // A document that already holds `prefill` characters (one update per
      // room, ASCII, so the observers can tell it from the timed keystrokes).
      const line = "let x = 1; // prefill\n";
      const text = line.repeat(Math.ceil(msg.prefill / line.length)).slice(0, msg.prefill);
      await pool(rooms, 8, async (room) => {
        room.typist.text.insert(0, text);
        const deadline = performance.now() + msg.timeoutMs;
        while (room.prefillSeen < msg.prefill) {
          if (performance.now() > deadline) throw new Error("prefill not seen by the observer in time");
          await new Promise((r) => setTimeout(r, 20));
        }
      });
    }
    return { rooms: rooms.length, joinSeconds };
  },
  start(msg) {
    startTyping(msg.rate);
  },
  mark() {
    hist.reset();
    win.seen = 0;
    win.sent = 0;
    measuring = true;
    markCpu = selfCpuSeconds();
    markT = performance.now();
  },
  /** Stops typing; returns the measured window, then waits for stragglers. */
  async stop(msg) {
    measuring = false;
    typing = false;
    for (const r of rooms) clearTimeout(r.timer);
    const window = {
      seen: win.seen,
      sent: win.sent,
      hist: hist.toJSON(),
      cpuSeconds: selfCpuSeconds() - markCpu,
      elapsed: (performance.now() - markT) / 1000,
      rssKiB: process.memoryUsage().rss / 1024,
    };
    const deadline = performance.now() + msg.drainMs;
    const pending = () => rooms.some((r) => r.seen < r.sent || r.typist.unacked() > 0);
    while (pending() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const sum = (f) => rooms.reduce((a, r) => a + f(r), 0);
    return {
      window,
      sent: sum((r) => r.sent),
      seen: sum((r) => r.seen),
      lost: sum((r) => Math.max(0, r.sent - r.seen)),
      unacked: sum((r) => r.typist.unacked()),
      misordered: sum((r) => r.misordered),
      skipped: sum((r) => r.skipped),
      diverged: rooms.filter((r) => r.typist.text.toString() !== r.observer.text.toString()).length,
      ...counters,
    };
  },
  close() {
    for (const r of rooms) {
      r.typist.close();
      r.observer.close();
    }
  },
});
