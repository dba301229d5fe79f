#!/usr/bin/env node
// Measures what the "Done means" asks for, against the real pairpad
// binary and the production build, in Debian's headless Chromium:
//  - JS and CSS transferred (gzip, and bytes on the wire) for the home page and
//    the session page, initial load, without the lazily loaded Monaco workers;
//  - time from navigation to an editable editor, cold and with a warm cache.
// Usage: npm run build && node e2e/perf.mjs [--runs N] [--lines N] [--json]
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, median, seedDocument } from './bench-support.mjs';
import { DIST_DIR, startServer } from './server.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('runs', 7);
const LINES = opt('lines', 200);
const JSON_OUT = args.includes('--json');

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** A document of `lines` lines of JavaScript. */
function sampleCode(lines) {
  return Array.from({ length: lines }, (_, i) =>
    i % 10 === 0 ? `// section ${i / 10}` : `function f${i}(a, b) { return a * ${i} + b; }`,
  ).join('\n');
}

function gzipSizeOf(urlPath) {
  const file = join(DIST_DIR, decodeURIComponent(urlPath));
  if (existsSync(`${file}.gz`)) return statSync(`${file}.gz`).size;
  return existsSync(file) ? statSync(file).size : 0; // tiny files are not precompressed
}

/** Records JS/CSS responses of a page with their on-the-wire sizes (CDP). */
async function recorder(page) {
  const client = await page.context().newCDPSession(page);
  await client.send('Network.enable');
  const byId = new Map();
  const done = [];
  client.on('Network.responseReceived', (e) => byId.set(e.requestId, { url: e.response.url, type: e.type, fromCache: e.response.fromDiskCache || e.response.fromServiceWorker }));
  client.on('Network.loadingFinished', (e) => {
    const r = byId.get(e.requestId);
    if (r) done.push({ ...r, wire: e.encodedDataLength, at: performance.now() });
  });
  // Dedicated workers fetch their scripts outside the page's network domain.
  const workers = new Set();
  page.on('worker', (worker) => workers.add(new URL(worker.url()).pathname));
  return {
    entries: () => done,
    workers: () => [...workers],
    stop: () => client.detach().catch(() => {}),
  };
}

function summarize(entries, { until = Infinity, workers = [] } = {}) {
  const out = { js: { gzip: 0, wire: 0, files: 0 }, css: { gzip: 0, wire: 0, files: 0 }, workers: { gzip: 0, files: workers.length, names: workers } };
  for (const path of workers) out.workers.gzip += gzipSizeOf(path);
  for (const e of entries) {
    if (e.at > until) continue;
    const path = new URL(e.url).pathname;
    if (workers.includes(path)) continue;
    if (path.endsWith('.js')) {
      out.js.gzip += gzipSizeOf(path);
      out.js.wire += e.wire;
      out.js.files++;
    } else if (path.endsWith('.css')) {
      out.css.gzip += gzipSizeOf(path);
      out.css.wire += e.wire;
      out.css.files++;
    }
  }
  return out;
}

async function timeToEditable(page, url) {
  const t0 = performance.now();
  await page.goto(url);
  await page.locator('[data-testid="code-editor"][data-editable="true"]').waitFor();
  const wall = performance.now() - t0;
  const mark = await page.evaluate(() => performance.getEntriesByName('pairpad:editable')[0]?.startTime ?? null);
  // Really editable: a keystroke lands in the document.
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.type('Z');
  await page.locator('.view-line', { hasText: 'Z//' }).first().waitFor({ timeout: 5000 });
  await page.keyboard.press('Backspace');
  return { wall, mark };
}

async function main() {
  if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error('run `npm run build` first');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const created = await (
      await fetch(`${server.url}/api/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'perf', language: 'javascript' }),
      })
    ).json();
    await seedDocument(server.url, created.id, sampleCode(LINES));
    const sessionUrl = `${server.url}/s/${created.id}`;

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(() => {
      localStorage.setItem('pairpad.prefs', JSON.stringify({ state: { name: 'Perf', theme: 'light', fontSize: 14, minimap: true }, version: 1 }));
    });

    // Home page, cold.
    const home = await context.newPage();
    const homeRec = await recorder(home);
    await home.goto(server.url, { waitUntil: 'networkidle' });
    const homeSizes = summarize(homeRec.entries());
    await homeRec.stop();
    await home.close();

    // Session page, cold for its chunks (the home page shared the entry chunk).
    const coldContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await coldContext.addInitScript(() => {
      localStorage.setItem('pairpad.prefs', JSON.stringify({ state: { name: 'Perf', theme: 'light', fontSize: 14, minimap: true }, version: 1 }));
    });
    const page = await coldContext.newPage();
    const rec = await recorder(page);
    const cold = await timeToEditable(page, sessionUrl);
    const editableAt = performance.now();
    await page.waitForTimeout(3000); // let lazy pieces (grammar, TS mode, TS worker) arrive
    const sessionInitial = summarize(rec.entries(), { until: editableAt });
    const sessionSettled = summarize(rec.entries(), { workers: rec.workers() });
    await rec.stop();

    // Warm cache: same context, new navigations.
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      warm.push(await timeToEditable(page, sessionUrl));
    }
    await coldContext.close();
    await context.close();

    const result = {
      lines: LINES,
      home: homeSizes,
      sessionInitial,
      sessionSettled,
      editableMs: {
        cold: { wall: Math.round(cold.wall), mark: cold.mark && Math.round(cold.mark) },
        warmMedian: { wall: Math.round(median(warm.map((w) => w.wall))), mark: Math.round(median(warm.map((w) => w.mark))) },
        warmRuns: warm.map((w) => Math.round(w.mark)),
      },
    };
    if (JSON_OUT) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const row = (label, s) =>
        `${label.padEnd(44)} JS ${kb(s.js.gzip).padStart(11)} gzip (${kb(s.js.wire)} on the wire, ${s.js.files} files)   CSS ${kb(s.css.gzip).padStart(9)} gzip (${s.css.files} files)`;
      console.log(`Pairpad front-end performance (production build, ${LINES}-line JavaScript document, headless Chromium, localhost)`);
      console.log(row('home page', homeSizes));
      console.log(row('session page, until editable', sessionInitial));
      console.log(row('session page, after 3 s (no workers)', sessionSettled));
      console.log(`${'lazily loaded workers (not counted above)'.padEnd(44)} ${kb(sessionSettled.workers.gzip)} gzip: ${sessionSettled.workers.names.join(', ') || 'none'}`);
      console.log(`initial JS+CSS of the session page: ${kb(sessionInitial.js.gzip + sessionInitial.css.gzip)} gzip (target < 1.2 MB)`);
      console.log(`navigation -> editable, cold cache: ${result.editableMs.cold.mark} ms (wall ${result.editableMs.cold.wall} ms)`);
      console.log(`navigation -> editable, warm cache: median ${result.editableMs.warmMedian.mark} ms over ${RUNS} runs (wall ${result.editableMs.warmMedian.wall} ms); runs: ${result.editableMs.warmRuns.join(', ')} (target < 1000 ms)`);
    }
  } finally {
    await browser.close();
    await server.dispose();
  }
}

await main();
