// Child processes and temporary directories of a benchmark run, cleaned up
// whatever way the run ends: normal exit, an exception, SIGINT/SIGTERM/SIGHUP
// or the hard deadline. Servers are started under `setpriv --pdeathsig KILL`
// when available, so even a SIGKILLed orchestrator leaves no server behind;
// forked workers exit when their IPC channel to us closes.
import { spawn, fork } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const children = new Set();
const dirs = new Set();

function cleanupSync() {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
  children.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

process.on("exit", cleanupSync);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    process.stderr.write(`\n${sig}: stopping servers and generators\n`);
    process.exit(130);
  });
}
process.on("uncaughtException", (e) => {
  process.stderr.write(`uncaught: ${e?.stack || e}\n`);
  process.exit(1);
});
process.on("unhandledRejection", (e) => {
  process.stderr.write(`unhandled rejection: ${e?.stack || e}\n`);
  process.exit(1);
});

/** Exits the whole run (cleaning up) if it is still going after `seconds`. */
export function hardDeadline(seconds, what) {
  setTimeout(() => {
    process.stderr.write(`${what}: hard deadline of ${seconds} s reached, aborting\n`);
    process.exit(124);
  }, seconds * 1000).unref();
}

/**
 * A fresh temporary directory, removed when the run ends. It holds an
 * `owner.pid` file, so a later run removes it if this process was SIGKILLed
 * (see removeStaleDirs).
 */
export function tempDir(prefix) {
  removeStaleDirs(prefix);
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.add(d);
  writeFileSync(path.join(d, "owner.pid"), String(process.pid));
  return d;
}

/** Removes directories `prefix`* whose owning process is gone. */
function removeStaleDirs(prefix) {
  let names = [];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) {
    const d = path.join(tmpdir(), n);
    let pid;
    try {
      pid = Number(readFileSync(path.join(d, "owner.pid"), "utf8"));
    } catch {
      continue; // not ours, or being created
    }
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if (e.code === "ESRCH") rmSync(d, { recursive: true, force: true });
    }
  }
}

export function removeDir(d) {
  rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}

function track(child) {
  children.add(child);
  child.exitInfo = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return child;
}

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));

/** spawn() a server binary; it gets SIGKILL if this process dies. */
export function spawnServer(bin, args, opts = {}) {
  const [file, argv] = SETPRIV
    ? [SETPRIV, ["--pdeathsig", "KILL", "--", bin, ...args]]
    : [bin, args];
  return track(spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], ...opts }));
}

/** fork() a Node module with an IPC channel; it must exit on 'disconnect'. */
export function forkNode(file, args = [], opts = {}) {
  return track(
    fork(file, args, {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...opts,
    }),
  );
}

/**
 * Stops a child: `signal`, then SIGKILL after `graceMs`. Resolves to
 * {code, signal, forced, alreadyExited}; a child that already exited
 * resolves at once.
 */
export async function stopChild(child, { signal = "SIGTERM", graceMs = 10000 } = {}) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { ...(await child.exitInfo), forced: false, alreadyExited: true };
  }
  child.kill(signal);
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(true);
    }, graceMs);
  });
  const forced = await Promise.race([child.exitInfo.then(() => false), killed]);
  clearTimeout(timer);
  return { ...(await child.exitInfo), forced };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with `what` if `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
