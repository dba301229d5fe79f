#!/usr/bin/env node
// Relay throughput of the Pairpad server for "execution" events.
//
// Scenarios (default both):
//   one-room  one session with --members (10) members, each keeping
//             --window (8) events in flight (a new one on every ack);
//             every event is relayed to the other members-1.
//   rooms     --rooms (500) sessions of 2 members each, --pair-window (4)
//             in flight per member.
// Members are spread over --generators (3) forked processes. After --warmup
// seconds, events are counted for --duration seconds: delivered events/s
// (receptions at the other members), server CPU per delivered event
// (utime+stime from /proc/<pid>/stat over the interval / deliveries),
// delivery latency p50/p99 (send time in the payload), and the generators'
// CPU so their saturation is visible.
//
//   node realtime/relay.mjs [--duration=10] [--warmup=2] [--generators=3]
//        [--scenarios=one-room,rooms] [--members=10] [--window=8]
//        [--rooms=500] [--pair-window=4] [--rate=25]
// The events are the output of one code run per member; the server accepts
// at most 30 of them per second per member (a burst of 60), so every member
// sends --rate=R (default 25) per second. --rate=0 sends as fast as acks
// allow, which only measures the rate limiter's refusals.
//   env: RELAY_DURATION, RELAY_WARMUP, RELAY_GENERATORS, RELAY_SCENARIOS, ...
import path from "node:path";
import { fileURLToPath } from "node:url";
import { forkNode, hardDeadline, sleep, stopChild } from "../lib/children.mjs";
import { startPairpad, createSessions } from "../lib/servers.mjs";
import { requestAll } from "../lib/ipc.mjs";
import { Histogram } from "../lib/hist.mjs";
import { cpuSeconds, rssKiB, machineBusySeconds } from "../lib/proc.mjs";
import { option, table, fmt, header, saveResult } from "../lib/report.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const duration = option("duration", "RELAY_DURATION", 10);
const warmup = option("warmup", "RELAY_WARMUP", 2);
const generators = option("generators", "RELAY_GENERATORS", 3);
const scenarios = String(option("scenarios", "RELAY_SCENARIOS", "one-room,rooms")).split(",").filter(Boolean);
const oneRoomMembers = option("members", "RELAY_MEMBERS", 10);
const oneRoomWindow = option("window", "RELAY_WINDOW", 8);
const pairRooms = option("rooms", "RELAY_ROOMS", 500);
const pairWindow = option("pair-window", "RELAY_PAIR_WINDOW", 4);
const rate = option("rate", "RELAY_RATE", 25);
hardDeadline(option("deadline", "RELAY_DEADLINE", scenarios.length * (duration + warmup + 90) + 30), "relay");

const SCENARIOS = {
  "one-room": { rooms: 1, members: oneRoomMembers, window: oneRoomWindow },
  rooms: { rooms: pairRooms, members: 2, window: pairWindow },
};

async function runScenario(name) {
  const sc = SCENARIOS[name];
  if (!sc) throw new Error(`unknown scenario ${name} (one-room, rooms)`);
  const server = await startPairpad();
  const workers = [];
  const row = { scenario: name, ...sc, generators };
  try {
    const sessions = await createSessions(server.url, sc.rooms);
    // Members round-robin over the generators, so one room's members are in
    // different processes when there are several members per room.
    const per = Array.from({ length: generators }, () => []);
    let k = 0;
    for (let r = 0; r < sc.rooms; r++)
      for (let m = 0; m < sc.members; m++) per[k++ % generators].push({ session: sessions[r], name: `m${m}` });
    for (let g = 0; g < generators; g++) workers.push(forkNode(path.join(HERE, "relay-worker.mjs")));
    await Promise.all(workers.map((w, g) => requestAllOne(w, { type: "init", url: server.url, window: sc.window, members: per[g] })));
    row.rssJoined = rssKiB(server.pid);
    await requestAll(workers, { type: "start", rate }, 10000);
    await sleep(warmup * 1000);
    await requestAll(workers, { type: "mark" }, 10000);
    const cpu0 = cpuSeconds(server.pid);
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    await sleep(duration * 1000);
    const cpu1 = cpuSeconds(server.pid);
    const machine1 = machineBusySeconds();
    const elapsed = (performance.now() - t0) / 1000;
    const reps = await requestAll(workers, { type: "stop" }, 30000);
    row.rssEnd = rssKiB(server.pid);
    const hist = new Histogram();
    for (const r of reps) hist.merge(r.hist);
    const sum = (f) => reps.reduce((a, r) => a + r[f], 0);
    row.elapsed = elapsed;
    row.sent = sum("sent");
    row.acked = sum("acked");
    row.ackErrors = sum("ackErrors");
    row.delivered = sum("received");
    row.disconnects = sum("disconnects");
    row.limited = sum("limited");
    row.firstAckError = reps.find((r) => r.firstAckError)?.firstAckError || null;
    // Each generator counts over its own window (its "mark" to its "stop"),
    // a little longer than ours when it is busy: rates use its own time.
    row.sentPerSec = reps.reduce((a, r) => a + r.acked / r.elapsed, 0);
    row.deliveredPerSec = reps.reduce((a, r) => a + r.received / r.elapsed, 0);
    row.serverCpuPercent = (100 * (cpu1 - cpu0)) / elapsed;
    row.serverUsPerDelivered = ((cpu1 - cpu0) * 1e6) / (row.deliveredPerSec * elapsed);
    row.p50 = hist.quantile(0.5);
    row.p99 = hist.quantile(0.99);
    row.max = hist.max;
    row.generatorCpuPercent = 100 * reps.reduce((a, r) => a + r.cpuSeconds / r.elapsed, 0);
    row.generatorRss = sum("rssKiB");
    row.otherCpuPercent = (100 * (machine1 - machine0)) / elapsed - row.serverCpuPercent - row.generatorCpuPercent;
    await requestAll(workers, { type: "close" }, 10000).catch(() => {});
  } catch (e) {
    row.error = String(e?.message || e);
    if (server && !server.alive()) row.error = `the server died during the run (${row.error})`;
  } finally {
    await Promise.all(workers.map((w) => stopChild(w, { graceMs: 3000 })));
    row.serverProblem = await server.stop();
  }
  return row;
}

// init can take a while (hundreds of joins per generator).
function requestAllOne(w, msg) {
  return requestAll([w], msg, 120000).then((r) => r[0]);
}

const rows = [];
for (const s of scenarios) {
  process.stderr.write(`relay: scenario ${s}...\n`);
  rows.push(await runScenario(s));
  await sleep(500);
}
const text = [
  header("Pairpad event relay (bench/realtime/relay.mjs)"),
  "",
  table(
    [
      "scenario", "rooms × members", "window / rate", "sent events/s (acked)", "delivered events/s", "p50 ms", "p99 ms", "max ms",
      "server CPU %", "server CPU µs / delivered", "server RSS MiB", "generators (CPU % total)", "other CPU %", "errors",
    ],
    rows.map((r) => [
      r.scenario, `${r.rooms} × ${r.members}`, rate > 0 ? `${r.window} / ${rate}/s` : `${r.window} / max`, fmt.int(r.sentPerSec), fmt.int(r.deliveredPerSec),
      fmt.ms(r.p50), fmt.ms(r.p99), fmt.ms(r.max), fmt.int(r.serverCpuPercent), fmt.f2(r.serverUsPerDelivered),
      fmt.mib(r.rssEnd), `${r.generators} (${fmt.int(r.generatorCpuPercent)} %)`, fmt.int(r.otherCpuPercent),
      r.error ? "run failed" : `${r.ackErrors} nack, ${r.disconnects} disc.${r.limited ? `, ${r.limited} ticks window-limited` : ""}`,
    ]),
  ),
  "",
  `${rate > 0 ? `Each member sends ${rate} events/s.` : "Each member sends as fast as its window of unacknowledged events allows, so the generators run flat out and latency includes their backlog."} Measured ${duration} s after ${warmup} s of warm-up. CPU % is of one core (the machine has 2); "other CPU %" is what the rest of the machine used meanwhile (anything above a few % means the run was disturbed). Latency: sender's process.hrtime in the payload to the receiving member's handler.`,
  ...rows.flatMap((r) => [
    r.error ? `- ${r.scenario}: RUN FAILED: ${r.error}` : null,
    r.firstAckError ? `- ${r.scenario}: first error ack: ${r.firstAckError}` : null,
    r.serverProblem ? `- ${r.scenario}: SERVER PROBLEM: ${r.serverProblem}` : null,
  ]).filter(Boolean),
].join("\n");
const file = saveResult("realtime-relay", text, { rows });
console.log(text);
console.log(`\nsaved to ${file}`);
process.exitCode = rows.some((r) => r.error || r.serverProblem) ? 1 : 0;
