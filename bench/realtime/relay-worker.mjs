// Load-generator process for relay.mjs (forked; driven over IPC).
// Each member is a raw Socket.IO client joined to its session that opens a
// code run ("execution" started) and, once started, streams its "output"
// events: `rate` per second (never more than `window` unacknowledged), or
// flat out with `window` in flight. It times every output it receives from
// the others: the text is the sender's CLOCK_MONOTONIC time
// (process.hrtime), which is one clock for all processes of the machine.
import { RawSio } from "../lib/rawsio.mjs";
import { Histogram } from "../lib/hist.mjs";
import { serve } from "../lib/ipc.mjs";
import { selfCpuSeconds } from "../lib/proc.mjs";

const nowUs = () => Number(process.hrtime.bigint()) / 1000;

let members = [];
let running = false;
let measuring = false;
const hist = new Histogram();
const w = { sent: 0, acked: 0, ackErrors: 0, received: 0 }; // in the measured window
let disconnects = 0;
let firstAckError = null;
let markCpu = 0;
let markT = 0;
let closing = false;
let windowSize = 1;
let rate = 0; // events/s per member; 0 = as fast as the window allows
let limited = 0; // rate ticks that found the window full

function pump(m) {
  while (running && !m.c.closed && m.outstanding < windowSize) {
    if (rate > 0 && m.credits <= 0) return;
    m.credits--;
    m.outstanding++;
    if (measuring) w.sent++;
    m.c.emit("execution", { run_id: m.runId, type: "output", stream: "stdout", text: String(nowUs()) }, (res, err) => {
      m.outstanding--;
      if (measuring) {
        if (res?.ok) w.acked++;
        else {
          w.ackErrors++;
          firstAckError ??= err ? String(err.message) : JSON.stringify(res);
        }
      }
      pump(m);
    });
  }
}

serve({
  async init(msg) {
    windowSize = msg.window;
    members = msg.members.map((spec, i) => ({ ...spec, runId: `r${process.pid}-${i}`, outstanding: 0 }));
    await Promise.all(
      members.map(async (m) => {
        m.c = new RawSio(msg.url, {
          onEvent(name, args) {
            if (name !== "execution" || !measuring || args[0]?.type !== "output") return;
            w.received++;
            hist.add(nowUs() - Number(args[0].text));
          },
          onClose() {
            if (!closing) disconnects++;
          },
        });
        await m.c.connect(30000);
        const ack = await m.c.request("join", { session_id: m.session, name: m.name }, 60000);
        if (!ack?.ok) throw new Error(`join refused: ${JSON.stringify(ack?.error)}`);
        const run = await m.c.request("execution", { run_id: m.runId, type: "started", language: "python" }, 60000);
        if (!run?.ok) throw new Error(`run refused: ${JSON.stringify(run?.error)}`);
      }),
    );
    return { joined: members.length };
  },
  start(msg) {
    running = true;
    rate = msg.rate || 0;
    if (rate <= 0) {
      for (const m of members) pump(m);
      return;
    }
    // Fixed rate: one credit per period per member (random phase), spent
    // at once unless `window` events are already unacknowledged.
    const period = 1000 / rate;
    for (const m of members) {
      m.credits = 0;
      let due = performance.now() + Math.random() * period;
      const tick = () => {
        if (!running) return;
        if (m.outstanding >= windowSize) limited++;
        else m.credits = 1;
        pump(m);
        due += period;
        const now = performance.now();
        if (now - due > 5 * period) due = now;
        m.timer = setTimeout(tick, Math.max(0, due - now));
      };
      m.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    }
  },
  mark() {
    limited = 0;
    hist.reset();
    for (const k of Object.keys(w)) w[k] = 0;
    measuring = true;
    markCpu = selfCpuSeconds();
    markT = performance.now();
  },
  stop() {
    measuring = false;
    running = false;
    for (const m of members) clearTimeout(m.timer);
    return {
      ...w,
      hist: hist.toJSON(),
      cpuSeconds: selfCpuSeconds() - markCpu,
      elapsed: (performance.now() - markT) / 1000,
      rssKiB: process.memoryUsage().rss / 1024,
      disconnects,
      limited,
      firstAckError,
    };
  },
  close() {
    closing = true;
    for (const m of members) m.c?.close();
  },
});
