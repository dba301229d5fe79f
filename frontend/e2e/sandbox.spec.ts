/**
 * Attacks from user code on the app. Each must fail, proven twice: by the
 * page (what the program could observe) and by the server's request log
 * (nothing carrying the attack's marker ever reached the server).
 */
import { readFileSync } from 'node:fs';
import type { Frame, Page } from '@playwright/test';
import { expect, openSession, runAndWait, setCode, test } from './helpers';

const marker = () => `attack${Math.random().toString(36).slice(2, 10)}`;

function serverLog(logFile: string): string {
  return readFileSync(logFile, 'utf8');
}

async function runnerFrame(page: Page, runnerUrl: string): Promise<Frame> {
  await expect(page.getByTestId('runner-iframe')).toBeAttached();
  await expect.poll(() => page.frames().some((f) => f.url().startsWith(runnerUrl))).toBe(true);
  return page.frames().find((f) => f.url().startsWith(runnerUrl))!;
}

test.describe('user code cannot reach the app', () => {
  test('fetch, XMLHttpRequest, WebSocket and importScripts to the app API all fail', async ({ page, server }) => {
    const m = marker();
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    const api = `${server.url}/api/sessions/${m}`;
    const ws = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket&${m}=1`;
    await setCode(
      page,
      [
        `const report = (what, ok) => console.log(what + ": " + (ok ? "REACHED" : "blocked"));`,
        `try { await fetch(${JSON.stringify(api)}, { credentials: "include" }); report("fetch", true); } catch { report("fetch", false); }`,
        `await new Promise((done) => { const x = new XMLHttpRequest(); x.open("GET", ${JSON.stringify(api)}); x.withCredentials = true;`,
        `  x.onload = () => { report("xhr", true); done(); }; x.onerror = () => { report("xhr", false); done(); };`,
        `  try { x.send(); } catch { report("xhr", false); done(); } });`,
        `await new Promise((done) => { try { const s = new WebSocket(${JSON.stringify(ws)});`,
        `  s.onopen = () => { report("websocket", true); done(); }; s.onerror = () => { report("websocket", false); done(); };`,
        `} catch { report("websocket", false); done(); } });`,
        `try { importScripts(${JSON.stringify(api)}); report("importScripts", true); } catch { report("importScripts", false); }`,
      ].join('\n'),
    );
    const out = await runAndWait(page);
    for (const what of ['fetch', 'xhr', 'websocket', 'importScripts']) expect(out).toContain(`${what}: blocked`);
    expect(out).not.toContain('REACHED');
    expect(serverLog(server.logFile)).not.toContain(m);
  });

  test("the app's cookies, storage and windows are out of reach", async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await page.evaluate(() => {
      document.cookie = 'pairpad_probe=app-cookie-secret; path=/';
      localStorage.setItem('pairpad_probe', 'app-storage-secret');
    });
    await setCode(
      page,
      [
        'const probe = (what, f) => { let v; try { v = f(); } catch (e) { v = "error " + e.name; } console.log(what + " = " + v); };',
        'probe("document", () => typeof document);',
        'probe("localStorage", () => typeof localStorage);',
        'probe("parent", () => typeof parent);',
        'probe("top", () => typeof top);',
        'probe("window.open", () => typeof open);',
        'const dbs = await indexedDB.databases();',
        'console.log("indexedDB = " + JSON.stringify(dbs.map((d) => d.name)));',
        'console.log("origin = " + self.origin);',
      ].join('\n'),
    );
    const out = await runAndWait(page);
    expect(out).toContain('document = undefined');
    expect(out).toContain('localStorage = undefined');
    expect(out).toContain('parent = undefined');
    expect(out).toContain('top = undefined');
    expect(out).toContain('window.open = undefined');
    expect(out).toContain('indexedDB = []');
    expect(out).toContain(`origin = ${server.runnerUrl}`);
    expect(out).not.toContain('secret');
  });

  test('the runner frame itself cannot read, navigate or call the app', async ({ page, server }) => {
    const m = marker();
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    const frame = await runnerFrame(page, server.runnerUrl);
    const before = page.url();
    const result = await frame.evaluate(
      async ({ api }) => {
        const out: Record<string, string> = {};
        try {
          out.parentDocument = String(window.parent.document.title);
        } catch (e) {
          out.parentDocument = (e as Error).name;
        }
        try {
          out.parentStorage = String(window.parent.localStorage.length);
        } catch (e) {
          out.parentStorage = (e as Error).name;
        }
        try {
          await fetch(api, { credentials: 'include' });
          out.fetch = 'REACHED';
        } catch (e) {
          out.fetch = (e as Error).name;
        }
        out.popup = String(window.open('about:blank'));
        out.cookie = document.cookie.includes('secret') ? 'LEAKED' : 'none';
        try {
          window.top!.location.href = api;
          out.navigate = 'assigned';
        } catch (e) {
          out.navigate = (e as Error).name;
        }
        return out;
      },
      { api: `${server.url}/api/sessions/${m}` },
    );
    expect(result.parentDocument).toBe('SecurityError');
    expect(result.parentStorage).toBe('SecurityError');
    expect(result.fetch).toBe('TypeError');
    expect(result.popup).toBe('null');
    expect(result.cookie).toBe('none');
    // The sandbox forbids top navigation: the app stays where it was.
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(serverLog(server.logFile)).not.toContain(m);
  });

  test('a forged message from the program or another window does not touch the run', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await page.evaluate(() => {
      // Another window of the app's page pretending to be the runner.
      window.postMessage({ type: 'output', nonce: 'x', stream: 'stdout', text: 'FORGED-WINDOW' }, '*');
      window.postMessage({ type: 'pairpad-runner-hello' }, '*');
    });
    await setCode(
      page,
      [
        'postMessage({ type: "output", stream: "stdout", text: "FORGED-WORKER" });',
        'postMessage({ type: "done", status: "ok", exitCode: 0 });',
        'await new Promise((r) => setTimeout(r, 300));',
        'console.log("still running");',
        'throw new Error("real ending");',
      ].join('\n'),
    );
    const out = await runAndWait(page);
    expect(out).toContain('still running');
    expect(out).not.toContain('FORGED');
    await expect(page.getByTestId('run-exit').last()).toContainText('Line 5: Error: real ending');
  });

  test("Python's js module cannot fetch from the app", async ({ page, server }) => {
    const m = marker();
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(
      page,
      [
        'import asyncio, js',
        'from pyodide.ffi import JsException',
        'async def attack():',
        '    try:',
        `        await js.fetch("${server.url}/api/sessions/${m}-fetch")`,
        '        print("fetch: REACHED")',
        '    except JsException as e:',
        '        print("fetch: blocked")',
        'asyncio.run(attack())',
        'try:',
        '    x = js.XMLHttpRequest.new()',
        `    x.open("GET", "${server.url}/api/sessions/${m}-xhr", False)`,
        '    x.send()',
        '    print("xhr: REACHED")',
        'except JsException:',
        '    print("xhr: blocked")',
        'print("document:", hasattr(js, "document"))',
      ].join('\n'),
    );
    const out = await runAndWait(page, 60_000);
    expect(out).toContain('fetch: blocked');
    expect(out).toContain('xhr: blocked');
    expect(out).not.toContain('REACHED');
    expect(out).toContain('document: False');
    expect(serverLog(server.logFile)).not.toContain(m);
  });
});

test.describe('compiled and scripting runtimes cannot reach the app either', () => {
  test("Go's syscall/js cannot fetch from the app", async ({ page, server }) => {
    const m = marker();
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setCode(
      page,
      [
        'package main',
        '',
        'import (',
        '    "fmt"',
        '    "syscall/js"',
        ')',
        '',
        'func main() {',
        '    done := make(chan string)',
        '    ok := js.FuncOf(func(js.Value, []js.Value) any { done <- "REACHED"; return nil })',
        '    fail := js.FuncOf(func(js.Value, []js.Value) any { done <- "blocked"; return nil })',
        `    js.Global().Call("fetch", "${server.url}/api/sessions/${m}").Call("then", ok, fail)`,
        '    fmt.Println("fetch:", <-done)',
        '}',
        '',
      ].join('\n'),
    );
    const out = await runAndWait(page, 90_000);
    expect(out).toContain('fetch: blocked');
    await page.waitForTimeout(1000);
    expect(serverLog(server.logFile)).not.toContain(m);
  });

  test('Ruby cannot fetch from the app', async ({ page, server }) => {
    const m = marker();
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(
      page,
      [
        'begin',
        '  require "js"',
        'rescue LoadError',
        '  puts "js: unavailable"',
        '  exit 0',
        'end',
        'begin',
        `  JS.global.fetch("${server.url}/api/sessions/${m}")`,
        '  puts "fetch: started"',
        'rescue => e',
        '  puts "fetch: refused #{e.class}"',
        'end',
      ].join('\n'),
    );
    const out = await runAndWait(page, 90_000);
    // ruby.wasm's JS bridge can call fetch; the runner's CSP stops the request before it leaves.
    expect(out).toContain('fetch: started');
    await page.waitForTimeout(1000);
    expect(serverLog(server.logFile)).not.toContain(m);
  });
});
