#!/usr/bin/env node
// Edit-propagation benchmark: Pairpad vs Hocuspocus vs a plain Node
// socket.io+yjs baseline, with a transport floor for scale, one after the
// other on this machine.
//
// R rooms, each with one typist and one observer. The typist appends one
// character at a time to Y.Text "code" at a fixed rate; the observer
// measures typist insert -> observer sees it (see worker.mjs). Rooms are
// split over several forked load-generator processes. Per server:
//   delivered updates/s   characters seen by observers in the measured window
//   p50/p95/p99           that latency
//   lost                  typed but never seen, after a drain period
//   server CPU µs/update  server utime+stime (/proc/<pid>/stat) over the
//                         window / delivered updates
//   server RSS, KiB/conn  VmRSS at the end of the window; (that − VmRSS of
//                         the idle server before any client) / connections
//   generator CPU %       all load generators together, % of one core
// Servers: pairpad (persistence on: SQLite file in a temp dir, code_change
// acked once durable), Hocuspocus 3 defaults (in memory), baseline
// (collab/baseline-server.mjs, in memory), and floor (floor/floor-server.c:
// C, epoll, the same wire contract with no Yjs, no storage and no parsing
// libraries: the lowest server CPU per update any server could reach here). pairpad, the baseline and the floor
// are driven by the same client (clients.mjs PairpadClient).
//
//   node collab/run.mjs [--rooms=100,500] [--rate=10] [--duration=15]
//        [--warmup=2] [--drain=5] [--generators=3]
//        [--servers=floor,pairpad,hocuspocus,baseline] [--prefill=0]
//   env: COLLAB_ROOMS, COLLAB_RATE, COLLAB_DURATION, COLLAB_WARMUP,
//        COLLAB_DRAIN, COLLAB_GENERATORS, COLLAB_SERVERS, COLLAB_PREFILL,
//        PAIRPAD_BIN
// --prefill=N starts every document with N characters (one update), to see
// costs that grow with the document.
import path from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { forkNode, hardDeadline, sleep, stopChild } from "../lib/children.mjs";
import { startPairpad, startFloor, startNodeServer, createSessions } from "../lib/servers.mjs";
import { requestAll } from "../lib/ipc.mjs";
import { Histogram } from "../lib/hist.mjs";
import { cpuTimes, threadTimes, rssKiB, machineBusySeconds } from "../lib/proc.mjs";
import { option, numberList, table, fmt, header, saveResult } from "../lib/report.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const roomCounts = numberList("rooms", "COLLAB_ROOMS", [100, 500]);
const rate = option("rate", "COLLAB_RATE", 10);
const duration = option("duration", "COLLAB_DURATION", 15);
const warmup = option("warmup", "COLLAB_WARMUP", 2);
const drain = option("drain", "COLLAB_DRAIN", 5);
const generators = option("generators", "COLLAB_GENERATORS", 3);
const prefill = option("prefill", "COLLAB_PREFILL", 0);
const serverNames = String(option("servers", "COLLAB_SERVERS", "floor,pairpad,hocuspocus,baseline")).split(",").filter(Boolean);
const perRunBudget = (rooms) => duration + warmup + drain + 60 + rooms / 10;
hardDeadline(
  option("deadline", "COLLAB_DEADLINE", 30 + roomCounts.reduce((a, r) => a + serverNames.length * perRunBudget(r), 0)),
  "collab",
);

const SERVERS = {
  pairpad: {
    label: "Pairpad (C, SQLite)",
    kind: "pairpad",
    start: () => startPairpad(),
    sessions: (srv, n) => createSessions(srv.url, n),
  },
  hocuspocus: {
    label: "Hocuspocus 3 (Node, memory)",
    kind: "hocuspocus",
    start: () => startNodeServer("hocuspocus", "collab/hocuspocus-server.mjs"),
    sessions: async (srv, n) => Array.from({ length: n }, () => randomUUID()),
  },
  baseline: {
    label: "baseline socket.io+yjs (Node, memory)",
    kind: "pairpad", // same wire contract, same client
    start: () => startNodeServer("baseline", "collab/baseline-server.mjs"),
    sessions: async (srv, n) => Array.from({ length: n }, () => randomUUID()),
  },
  floor: {
    label: "transport floor (C, no Yjs, no storage)",
    kind: "pairpad", // same wire contract, same client
    start: () => startFloor(),
    sessions: async (srv, n) => Array.from({ length: n }, () => randomUUID()),
  },
};

async function runOne(name, rooms) {
  const spec = SERVERS[name];
  if (!spec) throw new Error(`unknown server ${name} (${Object.keys(SERVERS).join(", ")})`);
  const row = { server: name, label: spec.label, rooms, rate, generators, connections: 2 * rooms };
  let server;
  const workers = [];
  try {
    server = await spec.start();
    await sleep(1000);
    row.rssIdle = rssKiB(server.pid);
    const sessions = await spec.sessions(server, rooms);
    const nGen = Math.min(generators, rooms);
    const per = Array.from({ length: nGen }, () => []);
    sessions.forEach((id, i) => per[i % nGen].push(id));
    for (let g = 0; g < nGen; g++) workers.push(forkNode(path.join(HERE, "worker.mjs")));
    const inits = await Promise.all(
      workers.map((w, g) =>
        requestAll([w], { type: "init", kind: spec.kind, url: server.url, sessions: per[g], timeoutMs: 30000, prefill }, 60000 + rooms * 200),
      ),
    );
    row.joinSeconds = Math.max(...inits.map((r) => r[0].joinSeconds));
    row.rssJoined = rssKiB(server.pid);
    await requestAll(workers, { type: "start", rate }, 10000);
    await sleep(warmup * 1000);
    await requestAll(workers, { type: "mark" }, 10000);
    const cpu0 = cpuTimes(server.pid);
    const threads0 = threadTimes(server.pid);
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    await sleep(duration * 1000);
    const cpu1 = cpuTimes(server.pid);
    const threads1 = threadTimes(server.pid);
    const machine1 = machineBusySeconds();
    const elapsed = (performance.now() - t0) / 1000;
    row.rssEnd = rssKiB(server.pid);
    const reps = await requestAll(workers, { type: "stop", drainMs: drain * 1000, kind: spec.kind }, drain * 1000 + 30000);
    const hist = new Histogram();
    for (const r of reps) hist.merge(r.window.hist);
    const sum = (f) => reps.reduce((a, r) => a + f(r), 0);
    // Each generator counts over its own window (its "mark" to its "stop"),
    // which can be a little longer than ours when it is busy: rates use its
    // own elapsed time; the server's window uses ours.
    const deliveredPerSec = sum((r) => r.window.seen / r.window.elapsed);
    const seenWin = deliveredPerSec * elapsed;
    Object.assign(row, {
      elapsed,
      typedPerSec: sum((r) => r.window.sent / r.window.elapsed),
      deliveredPerSec,
      generatorWindowMax: Math.max(...reps.map((r) => r.window.elapsed)),
      p50: hist.quantile(0.5),
      p95: hist.quantile(0.95),
      p99: hist.quantile(0.99),
      max: hist.max,
      sent: sum((r) => r.sent),
      seen: sum((r) => r.seen),
      lost: sum((r) => r.lost),
      unacked: sum((r) => r.unacked),
      ackErrors: sum((r) => r.ackErrors),
      serverErrors: sum((r) => r.serverErrors),
      disconnects: sum((r) => r.disconnects),
      misordered: sum((r) => r.misordered),
      diverged: sum((r) => r.diverged),
      skipped: sum((r) => r.skipped),
      firstAckError: reps.find((r) => r.firstAckError)?.firstAckError || null,
      firstServerError: reps.find((r) => r.firstServerError)?.firstServerError || null,
      serverCpuPercent: (100 * (cpu1.user + cpu1.sys - cpu0.user - cpu0.sys)) / elapsed,
      serverUsPerUpdate: ((cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) * 1e6) / seenWin,
      serverSysShare: (cpu1.sys - cpu0.sys) / (cpu1.user + cpu1.sys - cpu0.user - cpu0.sys),
      kibPerConnection: (row.rssEnd - row.rssIdle) / (2 * rooms),
      generatorCpuPercent: 100 * sum((r) => r.window.cpuSeconds / r.window.elapsed),
      generatorRssKiB: sum((r) => r.window.rssKiB),
    });
    // The server's main thread (tid = pid) against its other threads (for
    // pairpad: the database pool; the floor has none), over the window.
    const busy = (t) => t.user + t.sys;
    let main = 0;
    let others = 0;
    for (const t of threads1) {
      const before = threads0.find((x) => x.tid === t.tid);
      const d = busy(t) - (before ? busy(before) : 0);
      if (t.tid === server.pid) main += d;
      else others += d;
    }
    row.serverMainThreadCpuPercent = (100 * main) / elapsed;
    row.serverOtherThreadsCpuPercent = (100 * others) / elapsed;
    // Everything else that ran meanwhile (other processes, this orchestrator).
    row.otherCpuPercent =
      (100 * (machine1 - machine0)) / elapsed - row.serverCpuPercent - row.generatorCpuPercent;
    await requestAll(workers, { type: "close" }, 10000).catch(() => {});
  } catch (e) {
    row.error = String(e?.message || e);
    if (server && !server.alive()) row.error = `the server died during the run (${row.error})`;
  } finally {
    await Promise.all(workers.map((w) => stopChild(w, { graceMs: 3000 })));
    if (server) row.serverProblem = await server.stop();
  }
  return row;
}

function notes(r) {
  if (r.error) return "RUN FAILED";
  const n = [];
  if (r.unacked) n.push(`${r.unacked} unacked`);
  if (r.ackErrors) n.push(`${r.ackErrors} nacks`);
  if (r.serverErrors) n.push(`${r.serverErrors} error events`);
  if (r.disconnects) n.push(`${r.disconnects} disconnects`);
  if (r.misordered) n.push(`${r.misordered} out of order`);
  if (r.diverged) n.push(`${r.diverged} rooms diverged`);
  if (r.skipped) n.push(`${r.skipped} keystrokes skipped (generator late)`);
  return n.join(", ") || "ok";
}

const rows = [];
for (const rooms of roomCounts) {
  for (const name of serverNames) {
    process.stderr.write(`collab: ${name}, ${rooms} rooms × ${rate} chars/s, ${duration} s...\n`);
    rows.push(await runOne(name, rooms));
    await sleep(1000);
  }
}

const targets = [];
for (const r of rows.filter((x) => x.server === "pairpad" && !x.error)) {
  const checks = [
    [`server CPU ${fmt.f1(r.serverUsPerUpdate)} µs/update ≤ 25`, r.serverUsPerUpdate <= 25],
    [`${fmt.f1(r.kibPerConnection)} KiB/connection ≤ 16`, r.kibPerConnection <= 16],
  ];
  if (r.rooms >= 500 && r.rate >= 10) checks.push([`p99 ${fmt.ms(r.p99)} ms < 10`, r.p99 < 10000]);
  targets.push(`- Pairpad ${r.rooms} rooms: ${checks.map(([t, ok]) => `${t} ${ok ? "met" : "NOT met"}`).join("; ")}`);
}
// The floor is no target: it is the bare socket cost the others are measured
// against (same room count).
const floorLines = rows
  .filter((x) => x.server === "floor" && !x.error)
  .map((f) => {
    const others = rows
      .filter((x) => x.server !== "floor" && x.rooms === f.rooms && !x.error)
      .map((x) => `${x.server} ${fmt.f1(x.serverUsPerUpdate / f.serverUsPerUpdate)}×`);
    return `- Transport floor ${f.rooms} rooms: ${fmt.f1(f.serverUsPerUpdate)} µs/update is the bare socket cost per delivered update here${others.length ? ` (server CPU per update relative to it: ${others.join(", ")})` : ""}.`;
  });

const text = [
  header("Edit propagation (bench/collab/run.mjs)"),
  "",
  table(
    [
      "server", "rooms", "chars/s per room", "delivered updates/s", "p50 / p95 / p99 ms", "lost",
      "server CPU µs/update", "server RSS MiB", "KiB/connection", "generator CPU %",
      "server CPU %", "other CPU %", "notes",
    ],
    rows.map((r) => [
      r.label, r.rooms, r.rate, r.error ? "–" : `${fmt.int(r.deliveredPerSec)} of ${fmt.int(r.rooms * r.rate)}`,
      r.error ? "–" : `${fmt.ms(r.p50)} / ${fmt.ms(r.p95)} / ${fmt.ms(r.p99)}`,
      r.error ? "–" : `${r.lost} of ${r.sent}`, fmt.f1(r.serverUsPerUpdate), fmt.mib(r.rssEnd),
      fmt.f1(r.kibPerConnection), `${fmt.int(r.generatorCpuPercent)} (${Math.min(r.generators, r.rooms)} procs)`,
      fmt.int(r.serverCpuPercent), fmt.int(r.otherCpuPercent), notes(r),
    ]),
  ),
  "",
  `${prefill ? `Every document prefilled with ${prefill} characters. ` : ""}Measured ${duration} s after ${warmup} s of typing warm-up; lost = typed − seen after ${drain} s of drain. CPU % is of one core (the machine has 2); "other CPU %" is what the rest of the machine used meanwhile (anything above a few % means the run was disturbed). KiB/connection = (VmRSS at the end of the window − VmRSS of the idle server) / (2 × rooms).`,
  "Targets: Pairpad ≤ 25 µs server CPU per delivered update, ≤ 16 KiB per connection, p99 < 10 ms at 500 rooms × 10 chars/s.",
  ...targets,
  ...floorLines,
  `Server CPU by thread: ${rows
    .filter((r) => !r.error)
    .map((r) => `${r.server} ${r.rooms} rooms: main ${fmt.int(r.serverMainThreadCpuPercent)} %, other threads ${fmt.int(r.serverOtherThreadsCpuPercent)} %, system share ${fmt.int(100 * r.serverSysShare)} %`)
    .join("; ")}.`,
  ...rows.flatMap((r) => [
    r.error ? `- ${r.server} ${r.rooms} rooms: RUN FAILED: ${r.error}` : null,
    r.firstAckError ? `- ${r.server} ${r.rooms} rooms: first error ack: ${r.firstAckError}` : null,
    r.firstServerError ? `- ${r.server} ${r.rooms} rooms: first error event: ${r.firstServerError}` : null,
    r.serverProblem ? `- ${r.server} ${r.rooms} rooms: SERVER PROBLEM: ${r.serverProblem}` : null,
  ]).filter(Boolean),
].join("\n");
const file = saveResult("collab", text, { rows });
console.log(text);
console.log(`\nsaved to ${file}`);
process.exitCode = rows.some((r) => r.error || r.serverProblem || r.lost) ? 1 : 0;
