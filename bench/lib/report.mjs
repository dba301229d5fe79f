// Output helpers: Markdown tables, number formatting, result files, and the
// command-line/environment options every benchmark script takes.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Reads options: `--name=value` (or `--name value`) on the command line,
 * else the environment variable `env`, else `def`. Numbers stay numbers.
 */
export function option(name, env, def) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && i + 1 < argv.length) return cast(argv[i + 1], def);
    if (argv[i].startsWith(`--${name}=`)) return cast(argv[i].slice(name.length + 3), def);
  }
  if (env && process.env[env] !== undefined && process.env[env] !== "") return cast(process.env[env], def);
  return def;
}
function cast(v, def) {
  if (typeof def === "number") {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
    return n;
  }
  return v;
}
/** A comma-separated list option of numbers. */
export function numberList(name, env, def) {
  return String(option(name, env, def.join(",")))
    .split(",")
    .filter(Boolean)
    .map(Number);
}

export function table(headers, rows) {
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

export const fmt = {
  int: (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–"),
  f1: (x) => (Number.isFinite(x) ? x.toFixed(1) : "–"),
  f2: (x) => (Number.isFinite(x) ? x.toFixed(2) : "–"),
  ms: (us) => (Number.isFinite(us) ? (us / 1000).toFixed(us < 10000 ? 2 : 1) : "–"),
  mib: (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : "–"),
};

export function stamp() {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export function header(title) {
  const cpu = os.cpus()[0]?.model?.trim() || "?";
  return `${title} — ${new Date().toISOString().slice(0, 19)}Z, ${os.cpus().length} cores (${cpu}), Node ${process.version}, load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}${busyOthers()}; servers and load generators on the same machine`;
}

/** Other processes using a lot of CPU right now (2 s sample), for the report header. */
function busyOthers() {
  try {
    // top's one-shot batch output: second iteration is a real 2 s sample.
    const out = execFileSync("top", ["-b", "-n", "2", "-d", "2", "-w", "200"], { timeout: 10000 }).toString();
    const last = out.slice(out.lastIndexOf("PID USER"));
    const busy = last
      .split("\n")
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 12 && Number(f[8]) >= 15 && Number(f[0]) !== process.pid)
      .map((f) => `${f.slice(11).join(" ").slice(0, 40)} ${Math.round(Number(f[8]))}%`);
    return busy.length ? `, busy at start: ${busy.join(", ")}` : ", nothing else busy at start";
  } catch {
    return "";
  }
}

/** Writes `text` (Markdown) and `data` (JSON) under bench/results/; returns the .md path. */
export function saveResult(name, text, data) {
  const dir = process.env.BENCH_RESULTS_DIR || path.join(BENCH_DIR, "results");
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${name}-${stamp()}`);
  writeFileSync(`${base}.md`, text.endsWith("\n") ? text : text + "\n");
  writeFileSync(`${base}.json`, JSON.stringify(data, null, 2) + "\n");
  return `${base}.md`;
}
