// Starting and stopping the servers under test: the pairpad binary (with a
// throwaway SQLite database), the transport floor binary (floor/) and Node
// servers forked from this package.
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { spawnServer, forkNode, stopChild, tempDir, removeDir, withTimeout } from "./children.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = path.resolve(HERE, "..");
export const PAIRPAD_BIN =
  process.env.PAIRPAD_BIN || path.resolve(BENCH_DIR, "../backend/build/pairpad");
const FLOOR_DIR = path.resolve(BENCH_DIR, "floor");
const FLOOR_BIN = path.join(FLOOR_DIR, "build/floor-server");

/**
 * Starts pairpad on a free loopback port with a fresh SQLite database.
 * Resolves to {name, pid, port, url, proc, stderr(), alive(), stop()};
 * stop() sends SIGTERM (SIGKILL after 10 s), removes the data directory and
 * resolves to a problem string ("" when the server exited 0 as PROTOCOL.md
 * requires).
 */
export async function startPairpad({ extraArgs = [] } = {}) {
  const dir = tempDir("pairpad-bench-");
  const args = [
    "--host", "127.0.0.1", "--port", "0", "--runner-port", "0",
    "--database-url", `sqlite:${path.join(dir, "db")}`,
    "--rate-limits", "off", "--log-level", "warn",
    ...extraArgs,
  ];
  return startBinary("pairpad", PAIRPAD_BIN, args, /Pairpad listening on http:\/\/[^:]+:(\d+)/, () => removeDir(dir));
}

/**
 * Builds (floor/build.sh, a no-op when up to date) and starts the transport
 * floor (floor/floor-server.c): Pairpad's wire contract for join and
 * code_change over bare epoll sockets, no Yjs, no storage. Same shape as
 * startPairpad(); it too must exit 0 on SIGTERM.
 */
export async function startFloor() {
  const build = spawnSync(path.join(FLOOR_DIR, "build.sh"), [], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120000,
  });
  const log = `${build.stdout ?? ""}${build.stderr ?? ""}`.trim();
  if (build.error || build.status !== 0) {
    throw new Error(`floor/build.sh failed (${build.error?.message ?? `exit ${build.status}`}): ${log}`);
  }
  if (log) process.stderr.write(`${log}\n`);
  return startBinary("floor", FLOOR_BIN, ["0"], /floor listening on 127\.0\.0\.1:(\d+)/);
}

/**
 * Spawns a server binary that prints its port on stdout (the first capture
 * group of `listening`); `cleanup` runs after it has stopped (or failed to
 * start).
 */
async function startBinary(name, bin, args, listening, cleanup = () => {}) {
  const proc = spawnServer(bin, args);
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d) => (stdout += d));
  proc.stderr.on("data", (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
  });
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      proc.stdout.on("data", () => {
        const m = listening.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      proc.once("error", reject);
      proc.exitInfo.then(({ code, signal }) =>
        reject(new Error(`${name} exited before listening (code ${code}, signal ${signal}): ${stderr}`)),
      );
    }),
    15000,
    `${name} to print its listening line`,
  ).catch(async (e) => {
    await stopChild(proc, { signal: "SIGKILL" });
    cleanup();
    throw e;
  });
  return {
    name,
    pid: proc.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async stop() {
      const r = await stopChild(proc);
      cleanup();
      const problems = [];
      if (r.alreadyExited) problems.push(`had exited during the run (code ${r.code}, signal ${r.signal})`);
      else if (r.forced) problems.push("did not exit within 10 s of SIGTERM (killed)");
      else if (r.code !== 0) problems.push(`exited with code ${r.code} signal ${r.signal} on SIGTERM`);
      const err = stderr.trim();
      if (err) problems.push(`stderr: ${err.split("\n").slice(-5).join(" | ")}`);
      return problems.join("; ");
    },
  };
}

/**
 * Forks a Node server module of this package that reports
 * {type: "listening", port} over IPC. Same shape as startPairpad().
 */
export async function startNodeServer(name, file, args = []) {
  const proc = forkNode(path.resolve(BENCH_DIR, file), args, {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  proc.stderr.on("data", (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
  });
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      proc.on("message", (m) => m?.type === "listening" && resolve(m.port));
      proc.once("error", reject);
      proc.exitInfo.then(({ code }) => reject(new Error(`${name} exited before listening (code ${code}): ${stderr}`)));
    }),
    15000,
    `${name} to listen`,
  ).catch(async (e) => {
    await stopChild(proc, { signal: "SIGKILL" });
    throw e;
  });
  return {
    name,
    pid: proc.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async stop() {
      const r = await stopChild(proc);
      const problems = [];
      if (r.alreadyExited) problems.push(`had exited during the run (code ${r.code}, signal ${r.signal})`);
      else if (r.forced) problems.push("did not exit within 10 s of SIGTERM (killed)");
      const err = stderr.trim();
      if (err) problems.push(`stderr: ${err.split("\n").slice(-5).join(" | ")}`);
      return problems.join("; ");
    },
  };
}

/** Creates `n` Pairpad sessions through the REST API; resolves to their ids. */
export async function createSessions(url, n, { concurrency = 16 } = {}) {
  const ids = new Array(n);
  let next = 0;
  async function one() {
    while (next < n) {
      const i = next++;
      let lastErr;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const res = await fetch(`${url}/api/sessions`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ title: `bench ${i}` }),
            signal: AbortSignal.timeout(10000),
          });
          const body = await res.json();
          if (res.status !== 201 || !body.id) throw new Error(`POST /api/sessions: ${res.status} ${JSON.stringify(body)}`);
          ids[i] = body.id;
          lastErr = null;
          break;
        } catch (e) {
          lastErr = e;
        }
      }
      if (lastErr) throw lastErr;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, one));
  return ids;
}
