#!/usr/bin/env node
// Measures in-browser execution against the real pairpad binary and the
// production builds, in Debian's headless Chromium, per runnable language:
//  - time from pressing Run to the program's first output on screen:
//      cold   = new browser profile (empty HTTP cache and Cache Storage),
//      cached = a new page in the same profile (runtime not in memory, files cached),
//      warm   = Run again on the same page (runtime loaded);
//  - bytes the runner origin sent for each phase (compressed files as served,
//    read from the server's request log and the build's .br/.gz siblings);
//  - how fast typing in the editor stays while a JavaScript infinite loop runs
//    (keydown to the character on screen; `--only typing` measures just that).
// Usage: npm run build && node e2e/exec-perf.mjs [--runs N] [--only lang,lang] [--json]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, median, seedDocument } from './bench-support.mjs';
import { RUNNER_DIR, startServer } from './server.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('runs', 5));
const ONLY = opt('only', '')
  .split(',')
  .filter(Boolean);
const JSON_OUT = args.includes('--json');
const TOKEN = 'pairpad-bench';

/** A program per language that prints TOKEN once. */
const PROGRAMS = {
  javascript: `console.log("${TOKEN}");`,
  typescript: `const word: string = "${TOKEN}";\nconsole.log(word);`,
  python: `print("${TOKEN}")`,
  c: `#include <stdio.h>\nint main(void) { puts("${TOKEN}"); return 0; }\n`,
  cpp: `#include <iostream>\nint main() { std::cout << "${TOKEN}" << std::endl; }\n`,
  'cpp-bits': `#include <bits/stdc++.h>\nusing namespace std;\nint main() {\n  vector<int> v{3, 1, 2};\n  sort(v.begin(), v.end());\n  map<int, int> m;\n  for (int x : v) m[x]++;\n  cout << "${TOKEN}" << m.size() << endl;\n}\n`,
  // A directive before the include: the runner compiles without the PCH (the cost it saves).
  'cpp-bits-nopch': `#define PAIRPAD_BENCH 1\n#include <bits/stdc++.h>\nusing namespace std;\nint main() {\n  vector<int> v{3, 1, 2};\n  sort(v.begin(), v.end());\n  map<int, int> m;\n  for (int x : v) m[x]++;\n  cout << "${TOKEN}" << m.size() << endl;\n}\n`,
  go: `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("${TOKEN}") }\n`,
  ruby: `puts "${TOKEN}"`,
  lua: `print("${TOKEN}")`,
  sql: `SELECT '${TOKEN}' AS word;`,
};

/** Programs measured for a language when there is more than one: C++ with <iostream> only and with <bits/stdc++.h> (the PCH serves both), and once without the PCH. */
const VARIANTS = {
  cpp: [
    { key: 'cpp', label: 'C++ (`<iostream>`)' },
    { key: 'cpp-bits', label: 'C++ (`<bits/stdc++.h>`)' },
    { key: 'cpp-bits-nopch', label: 'C++ (`<bits/stdc++.h>` after a `#define`: no PCH)' },
  ],
};

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;


/** Bytes the runner sent: runner files named in the log lines since `from`, at their served (brotli) size. */
function runnerBytes(logFile, from) {
  const lines = readFileSync(logFile, 'utf8').slice(from).split('\n');
  let bytes = 0;
  for (const line of lines) {
    const m = /method=GET path="?([^"\s]+)"? status=200/u.exec(line);
    if (!m) continue;
    const path = m[1] === '/' ? '/index.html' : m[1];
    const file = join(RUNNER_DIR, path);
    if (!existsSync(file) || !statSync(file).isFile()) continue; // an app file
    bytes += statSync(existsSync(`${file}.br`) ? `${file}.br` : file).size;
  }
  return bytes;
}

const logSize = (logFile) => readFileSync(logFile, 'utf8').length;

/** Presses Run and resolves with ms until one more TOKEN is on screen. */
async function timeRun(page) {
  return page.evaluate(
    (token) =>
      new Promise((resolve, reject) => {
        const panel = document.querySelector('[data-testid="output-panel"]');
        const count = () => (panel.textContent.match(new RegExp(token, 'gu')) ?? []).length;
        const before = count();
        const t0 = performance.now();
        const timer = setTimeout(() => reject(new Error('no output within 120 s')), 120_000);
        const obs = new MutationObserver(() => {
          if (count() > before) {
            obs.disconnect();
            clearTimeout(timer);
            resolve(performance.now() - t0);
          }
        });
        obs.observe(panel, { subtree: true, childList: true, characterData: true });
        document.querySelector('[data-testid="run-button"]').click();
      }),
    TOKEN,
  );
}

async function openPage(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  const gate = page.getByTestId('join-gate');
  const editor = page.locator('[data-testid="code-editor"][data-editable="true"]');
  await gate.or(editor).waitFor();
  if (await gate.isVisible()) {
    await page.getByLabel('Your name').fill('Bench');
    await page.getByRole('button', { name: 'Join session' }).click();
  }
  await editor.waitFor();
  await page.locator('[data-testid="run-button"]:not([aria-disabled="true"])').waitFor({ timeout: 30_000 });
  return page;
}

/** Waits until the run is over (the exit line for it is shown). */
async function settle(page, exits) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-exit"]').length >= n, exits, { timeout: 120_000 });
}

async function measure(browser, server, language, program = PROGRAMS[language]) {
  const res = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ language, title: `bench ${language}` }),
  });
  const session = await res.json();
  await seedDocument(server.url, session.id, program);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    let mark = logSize(server.logFile);
    const page = await openPage(context, session.join_url);
    const cold = await timeRun(page);
    await settle(page, 1);
    const coldBytes = runnerBytes(server.logFile, mark);
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      warm.push(await timeRun(page));
      await settle(page, i + 2);
    }
    await page.close();
    const cached = [];
    mark = logSize(server.logFile);
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const again = await openPage(context, session.join_url);
      cached.push(await timeRun(again));
      await settle(again, 1);
      await again.close();
    }
    const cachedBytes = runnerBytes(server.logFile, mark) / Math.min(RUNS, 3);
    return { language, coldMs: cold, cachedMs: median(cached), warmMs: median(warm), coldBytes, cachedBytes };
  } finally {
    await context.close();
  }
}

/**
 * Milliseconds from a key press reaching the page (the keydown event's time
 * stamp) to the character on screen (a MutationObserver on Monaco's lines).
 */
async function keystrokeMs(page, ch) {
  await page.evaluate(() => {
    const lines = document.querySelector('.monaco-editor .view-lines');
    window.__typed = new Promise((resolve) => {
      let pressedAt = null;
      document.addEventListener('keydown', (e) => (pressedAt = e.timeStamp), { capture: true, once: true });
      const obs = new MutationObserver(() => {
        if (pressedAt === null) return;
        obs.disconnect();
        resolve(performance.now() - pressedAt);
      });
      obs.observe(lines, { childList: true, subtree: true, characterData: true });
      setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5_000);
    });
  });
  await page.keyboard.type(ch);
  return page.evaluate(() => window.__typed);
}

/** Typing in the editor while a JavaScript infinite loop runs in the runner. */
async function typingWhileLooping(browser, server) {
  const res = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ language: 'javascript', title: 'bench typing', run_timeout_seconds: 60 }),
  });
  const session = await res.json();
  await seedDocument(server.url, session.id, 'while (true) {}\n');
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await openPage(context, session.join_url);
    await page.getByTestId('run-button').click();
    await page.getByTestId('stop-button').and(page.locator(':enabled')).waitFor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    const samples = [];
    for (const ch of '// typing while it runs') samples.push(await keystrokeMs(page, ch));
    await page.getByTestId('stop-button').click();
    const sorted = [...samples].sort((x, y) => x - y);
    return { keystrokes: samples.length, medianMs: median(samples), maxMs: sorted[sorted.length - 1] };
  } finally {
    await context.close();
  }
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const languages = (await (await fetch(`${server.url}/api/languages`)).json()).filter((l) => l.runnable && PROGRAMS[l.id]);
    const results = [];
    for (const lang of languages) {
      if (ONLY.length && !ONLY.includes(lang.id)) continue;
      for (const { key, label } of VARIANTS[lang.id] ?? [{ key: lang.id, label: lang.name }]) {
        const r = await measure(browser, server, lang.id, PROGRAMS[key]);
        results.push({ ...r, name: label, runtimeBytes: lang.runtime_bytes });
        if (!JSON_OUT) process.stderr.write(`measured ${label}\n`);
      }
    }
    const typing = !ONLY.length || ONLY.includes('typing') ? await typingWhileLooping(browser, server) : null;
    if (JSON_OUT) {
      console.log(JSON.stringify({ results, typing }, null, 2));
      return;
    }
    console.log(`In-browser execution, headless Chromium, localhost; warm = median of ${RUNS}, cached = median of ${Math.min(RUNS, 3)}`);
    console.log('');
    console.log('| language | Run → first output: cold (empty cache) | cached (new page, HTTP cache warm) | warm (runtime loaded) | runner bytes sent: cold | per cached page | runtimes.json (gzip) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.name} | ${Math.round(r.coldMs)} ms | ${Math.round(r.cachedMs)} ms | ${r.warmMs.toFixed(1)} ms | ${mb(r.coldBytes)} | ${mb(r.cachedBytes)} | ${mb(r.runtimeBytes)} |`,
      );
    }
    if (typing) {
      console.log('');
      console.log(
        `Typing while a JavaScript infinite loop runs (keydown → character on screen, ${typing.keystrokes} keystrokes): median ${typing.medianMs.toFixed(1)} ms, max ${typing.maxMs.toFixed(1)} ms`,
      );
    }
  } finally {
    await browser.close();
    await server.dispose();
  }
}

await main();
