#!/usr/bin/env node
// Idle-connection memory of the Pairpad server.
//
// For each N (default 1000 and 5000): a fresh pairpad (SQLite in a temp dir),
// N/members sessions made over REST, then N raw WebSocket Socket.IO clients
// (lib/rawsio.mjs: "40" connect, "2" answered with "3") that first only
// connect to "/" (connected, not joined), then join the sessions. The
// server's VmRSS is sampled at each step; bytes per connection are RSS
// deltas divided by N. The clients then sit idle for --hold seconds, which
// gives the server's idle CPU with N connections. The generator is this
// process; its own CPU time and RSS are reported too.
//
//   node realtime/idle.mjs [--counts=1000,5000] [--members=2] [--hold=5]
//   env: IDLE_COUNTS, IDLE_MEMBERS, IDLE_HOLD, PAIRPAD_BIN
import { hardDeadline, sleep } from "../lib/children.mjs";
import { startPairpad, createSessions } from "../lib/servers.mjs";
import { RawSio } from "../lib/rawsio.mjs";
import { cpuSeconds, rssKiB, selfCpuSeconds } from "../lib/proc.mjs";
import { option, numberList, table, fmt, header, saveResult } from "../lib/report.mjs";

const counts = numberList("counts", "IDLE_COUNTS", [1000, 5000]);
const members = option("members", "IDLE_MEMBERS", 2);
const hold = option("hold", "IDLE_HOLD", 5);
const concurrency = option("concurrency", "IDLE_CONCURRENCY", 64);
const settleMs = 2000;
hardDeadline(option("deadline", "IDLE_DEADLINE", 120 + counts.reduce((a, n) => a + 30 + n / 50 + hold, 0)), "idle");

/** Runs `fn(i)` for i in [0, n) with at most `c` in flight; resolves to failures. */
async function pool(n, c, fn) {
  let next = 0;
  let failures = 0;
  let firstError = null;
  async function lane() {
    while (next < n) {
      const i = next++;
      try {
        await fn(i);
      } catch (e) {
        failures++;
        firstError ??= e;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(c, n) }, lane));
  return { failures, firstError };
}

async function runOne(n) {
  const server = await startPairpad();
  const clients = [];
  const row = { connections: n, members };
  let closedUnexpectedly = 0;
  try {
    const sessions = await createSessions(server.url, Math.ceil(n / members));
    row.sessions = sessions.length;
    await sleep(1000);
    row.rssIdle = rssKiB(server.pid);
    const genCpu0 = selfCpuSeconds();

    let t = performance.now();
    const conn = await pool(n, concurrency, async (i) => {
      const c = new RawSio(server.url, { onClose: () => !stopping && closedUnexpectedly++ });
      clients[i] = c;
      await c.connect(30000);
    });
    row.connectSeconds = (performance.now() - t) / 1000;
    row.connectFailures = conn.failures;
    if (conn.firstError) row.connectError = String(conn.firstError.message);
    await sleep(settleMs);
    row.rssConnected = rssKiB(server.pid);

    t = performance.now();
    const join = await pool(n, concurrency, async (i) => {
      const c = clients[i];
      if (!c?.connected) throw new Error("not connected");
      const ack = await c.request("join", { session_id: sessions[Math.floor(i / members)], name: `idle ${i}` });
      if (!ack?.ok) throw new Error(`join refused: ${JSON.stringify(ack?.error)}`);
    });
    row.joinSeconds = (performance.now() - t) / 1000;
    row.joinFailures = join.failures;
    if (join.firstError) row.joinError = String(join.firstError.message);
    await sleep(settleMs);
    row.rssJoined = rssKiB(server.pid);

    const cpu0 = cpuSeconds(server.pid);
    t = performance.now();
    await sleep(hold * 1000);
    row.idleCpuPercent = (100 * (cpuSeconds(server.pid) - cpu0)) / ((performance.now() - t) / 1000);
    row.rssAfterHold = rssKiB(server.pid);
    row.stillConnected = clients.filter((c) => c?.connected).length;
    row.closedUnexpectedly = closedUnexpectedly;
    row.pingsAnswered = clients.reduce((a, c) => a + (c?.pings || 0), 0);
    row.generatorCpuSeconds = selfCpuSeconds() - genCpu0;
    row.generatorRss = process.memoryUsage().rss / 1024;

    row.bytesPerConnected = ((row.rssConnected - row.rssIdle) * 1024) / (n - row.connectFailures);
    row.bytesPerJoined = ((row.rssJoined - row.rssIdle) * 1024) / (n - row.joinFailures - row.connectFailures);
    row.bytesPerJoinStep = ((row.rssJoined - row.rssConnected) * 1024) / (n - row.joinFailures - row.connectFailures);
  } finally {
    stopping = true;
    for (const c of clients) c?.close();
    row.serverProblem = await server.stop();
    stopping = false;
  }
  return row;
}
let stopping = false;

const rows = [];
for (const n of counts) {
  process.stderr.write(`idle: ${n} connections, ${members} per session...\n`);
  rows.push(await runOne(n));
  await sleep(500);
}

const text = [
  header("Pairpad idle connections (bench/realtime/idle.mjs)"),
  "",
  table(
    [
      "connections", "sessions", "server RSS idle MiB", "connected, not joined: RSS MiB", "bytes/conn",
      "joined: RSS MiB", "bytes/conn", "RSS after hold MiB", "server CPU % while idle",
      "connect / join s", "failed / dropped", "generator CPU s / RSS MiB",
    ],
    rows.map((r) => [
      fmt.int(r.connections), fmt.int(r.sessions), fmt.mib(r.rssIdle), fmt.mib(r.rssConnected),
      fmt.int(r.bytesPerConnected), fmt.mib(r.rssJoined), fmt.int(r.bytesPerJoined), fmt.mib(r.rssAfterHold),
      fmt.f2(r.idleCpuPercent), `${fmt.f1(r.connectSeconds)} / ${fmt.f1(r.joinSeconds)}`,
      `${r.connectFailures + r.joinFailures} / ${r.closedUnexpectedly}`,
      `${fmt.f1(r.generatorCpuSeconds)} / ${fmt.mib(r.generatorRss)}`,
    ]),
  ),
  "",
  `bytes/conn = (server VmRSS at that step − VmRSS before any client) / connections; "joined" includes the connection itself. Hold ${hold} s with every client idle (pings answered).`,
  ...rows.flatMap((r) => [
    r.connectError ? `- ${r.connections}: first connect error: ${r.connectError}` : null,
    r.joinError ? `- ${r.connections}: first join error: ${r.joinError}` : null,
    r.serverProblem ? `- ${r.connections}: SERVER PROBLEM: ${r.serverProblem}` : null,
  ]).filter(Boolean),
].join("\n");
const file = saveResult("realtime-idle", text, { rows });
console.log(text);
console.log(`\nsaved to ${file}`);
process.exitCode = rows.some((r) => r.connectFailures || r.joinFailures || r.serverProblem) ? 1 : 0;
