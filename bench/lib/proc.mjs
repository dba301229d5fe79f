// /proc readings for the benchmarks: a process's CPU time (utime+stime of
// all its threads) and resident memory, and a process's own view of both.
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

let clkTck = 100;
try {
  clkTck = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
} catch {
  /* Linux default */
}

/** CPU seconds (user + system, all threads) used so far by `pid`. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(f[11]) + Number(f[12])) / clkTck;
}

/** {user, sys} CPU seconds of `pid`, all threads. */
export function cpuTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) / clkTck, sys: Number(f[12]) / clkTck };
}

/** Per-thread {tid, name, user, sys} CPU seconds of `pid`. */
export function threadTimes(pid) {
  const out = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ tid: Number(tid), name, user: Number(f[11]) / clkTck, sys: Number(f[12]) / clkTck });
    } catch {
      /* thread ended */
    }
  }
  return out;
}

/** Resident set size of `pid` in KiB (VmRSS). */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** CPU seconds used by this process so far (user + system). */
export function selfCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds all processes of the machine have used (busy time of all cores, /proc/stat). */
export function machineBusySeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / clkTck;
}

