import type { Page } from '@playwright/test';
import { editorText, expect, newParticipant, openSession, runAndWait, setCode, test, joinSession } from './helpers';

/** The last run's exit line. */
const lastExit = (page: Page) => page.getByTestId('run-exit').last();

/**
 * Types into the editor while a run is going and checks that the text
 * appeared before the run ended: a program that held the page's main thread
 * would hold the keystrokes until it stopped. (How fast typing feels is
 * measured by `make bench`, frontend/e2e/exec-perf.mjs, not asserted here.)
 */
async function typeWhileRunning(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(text);
  await expect.poll(() => editorText(page)).toContain(text);
  await expect(page.getByTestId('stop-button')).toBeEnabled();
}

test.describe('running code in the browser', () => {
  test('JavaScript prints values the way Node would', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await setCode(page, 'console.log("hello from js", 6 * 7, { a: [1, 2] });');
    const out = await runAndWait(page);
    expect(out).toContain("hello from js 42 { a: [ 1, 2 ] }");
    await expect(lastExit(page)).toHaveText(/^Exited with status 0 · \d+\.\d\d s$/u);
  });

  test('TypeScript runs with its types stripped', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'typescript' });
    await setCode(page, 'interface P { n: number }\nconst p: P = { n: 41 };\nconsole.log(`ts ${p.n + 1}`);');
    expect(await runAndWait(page)).toContain('ts 42');
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test('Python shows a progress bar on first use, then runs warm', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(page, 'print("hello from python", 6 * 7)');
    await page.getByTestId('run-button').click();
    // First use downloads Pyodide (unless a preload already finished it).
    await expect(page.getByTestId('run-progress').or(page.getByTestId('run-exit'))).toBeVisible();
    await expect(lastExit(page)).toContainText('Exited with status 0', { timeout: 60_000 });
    await expect(page.getByTestId('output-panel')).toContainText('hello from python 42');
    // The second run starts at once: no download, no progress bar.
    await setCode(page, 'print("again")');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('again', { timeout: 5_000 });
    await expect(page.getByTestId('run-exit')).toHaveCount(2);
  });

  test('Python input() reads a line from the stdin box', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(page, 'name = input("Your name? ")\nprint(f"Hello, {name}!")');
    await page.getByTestId('run-button').click();
    const stdin = page.getByTestId('stdin-input');
    await expect(stdin).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('output-panel')).toContainText('Your name?');
    await stdin.fill('Ada');
    await stdin.press('Enter');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('Hello, Ada!');
  });

  test('Python sys.stdin.read() returns every line once the input is ended, then input() raises EOFError', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(
      page,
      'import sys\nprint("sum", sum(int(x) for x in sys.stdin.read().split()))\ntry:\n    input()\nexcept EOFError:\n    print("EOFError")',
    );
    await page.getByTestId('run-button').click();
    const stdin = page.getByTestId('stdin-input');
    for (const line of ['3 4', '5']) {
      await expect(stdin).toBeVisible({ timeout: 60_000 });
      await stdin.fill(line);
      await stdin.press('Enter');
    }
    await page.getByTestId('stdin-end').click();
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('sum 12');
    await expect(page.getByTestId('output-panel')).toContainText('EOFError');
  });

  test('a JavaScript infinite loop is stopped by the time limit while the editor stays responsive', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript', run_timeout_seconds: 5 });
    await setCode(page, 'while (true) {}\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByText('You are running JavaScript…')).toBeVisible();
    await typeWhileRunning(page, '// typing');
    await expect(lastExit(page)).toHaveText(/^Timed out · [56]\.\d\d s$/u, { timeout: 12_000 });
    expect(await editorText(page)).toBe('while (true) {}\n// typing');
  });

  test('a Python infinite loop is stopped by the time limit while the editor stays responsive', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python', run_timeout_seconds: 5 });
    await setCode(page, 'while True:\n    pass\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByText('You are running Python…')).toBeVisible({ timeout: 60_000 });
    await typeWhileRunning(page, '# typing');
    await expect(lastExit(page)).toContainText('Timed out', { timeout: 12_000 });
    // The runtime stays warm: the next run answers at once.
    await setCode(page, 'print("still warm")');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('still warm', { timeout: 5_000 });
  });

  test('Stop interrupts a Python program with KeyboardInterrupt', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(page, 'import time\nprint("tick", flush=True)\nwhile True:\n    time.sleep(0.01)\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('tick', { timeout: 60_000 });
    const stop = page.getByTestId('stop-button');
    await expect(stop).toBeEnabled();
    await stop.click();
    await expect(lastExit(page)).toContainText('Stopped', { timeout: 5_000 });
    await expect(page.getByTestId('output-panel')).toContainText('KeyboardInterrupt');
  });

  test('an output flood is capped and the page stays usable', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await setCode(page, 'let i = 0;\nwhile (true) console.log("flood", i++);\n');
    await page.getByTestId('run-button').click();
    await expect(lastExit(page)).toContainText('Stopped: too much output', { timeout: 20_000 });
    await expect(page.getByTestId('output-panel')).toContainText('flood 0');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('// still usable');
    await expect.poll(() => editorText(page)).toBe('let i = 0;\nwhile (true) console.log("flood", i++);\n// still usable');
  });

  test('a fork bomb of nested workers is refused and the next run works', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await setCode(
      page,
      [
        'const src = "for (;;) new Worker(location.href)";',
        'const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));',
        'for (;;) new Worker(url);',
      ].join('\n'),
    );
    await runAndWait(page);
    await expect(lastExit(page)).toContainText('Line 3: Error: Programs cannot start Workers here');
    await setCode(page, 'console.log("alive", 1 + 1);');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('alive 2');
  });

  test('Python cannot start Workers through the js module', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(page, 'import js\ntry:\n    js.Worker.new("x.js")\nexcept Exception as e:\n    print("refused:", "cannot start Workers" in str(e))\n');
    expect(await runAndWait(page, 60_000)).toContain('refused: True');
  });

  test('a Python memory bomb ends in MemoryError and the session survives', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python', run_timeout_seconds: 30 });
    await setCode(page, 'chunks = []\nwhile True:\n    chunks.append(bytearray(64 * 1024 * 1024))\n');
    await runAndWait(page, 60_000);
    await expect(lastExit(page)).toContainText('MemoryError');
    await setCode(page, 'print("alive", 1 + 1)');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('alive 2', { timeout: 30_000 });
  });

  test('a JavaScript exception names its line and marks it in the editor', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await setCode(page, 'const a = 1;\nconsole.log(a);\nnull.boom;\n');
    await runAndWait(page);
    await expect(lastExit(page)).toContainText('Exited with status 1');
    await expect(lastExit(page)).toContainText('Line 3: TypeError');
    await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  });

  test('a Python exception names its line', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'python' });
    await setCode(page, 'def f():\n    raise ValueError("bad input")\n\nf()\n');
    await runAndWait(page, 60_000);
    await expect(lastExit(page)).toContainText('Line 2: ValueError: bad input');
    await expect(page.getByTestId('output-panel')).toContainText('Traceback');
  });

  test('a second participant sees who runs what, the output and the exit status', async ({ page, browser, server }) => {
    const session = await openSession(page, server.url, 'Ada', { language: 'javascript' });
    const other = await newParticipant(browser);
    await joinSession(other.page, session.join_url, 'Grace');
    await setCode(page, 'await new Promise((r) => setTimeout(r, 4000));\nconsole.log("shared", 1 + 1);\n');
    await page.getByTestId('run-button').click();
    await expect(other.page.getByText('Ada is running (JavaScript)…')).toBeVisible();
    await expect(other.page.getByTestId('run-header').last()).toHaveText('Ada ran JavaScript');
    await expect(other.page.getByTestId('output-panel')).toContainText('shared 2');
    await expect(other.page.getByTestId('run-exit').last()).toContainText('Exited with status 0');
    await other.context.close();
  });

  test('stdin typed by the runner is shown to the others', async ({ page, browser, server }) => {
    const session = await openSession(page, server.url, 'Ada', { language: 'python' });
    const other = await newParticipant(browser);
    await joinSession(other.page, session.join_url, 'Grace');
    await setCode(page, 'n = int(input())\nprint(n * 2)');
    await page.getByTestId('run-button').click();
    const stdin = page.getByTestId('stdin-input');
    await expect(stdin).toBeVisible({ timeout: 60_000 });
    await stdin.fill('21');
    await stdin.press('Enter');
    await expect(other.page.getByTestId('output-panel')).toContainText('21');
    await expect(other.page.getByTestId('output-panel')).toContainText('42');
    await expect(other.page.getByTestId('stdin-input')).toHaveCount(0);
    await other.context.close();
  });

  test('runs are kept with the session for review', async ({ page, server }) => {
    const session = await openSession(page, server.url, 'Ada', { language: 'javascript' });
    await setCode(page, 'console.log("kept");');
    await runAndWait(page);
    await expect
      .poll(async () => {
        const res = await fetch(`${server.url}/api/sessions/${session.id}/runs`);
        const { runs } = (await res.json()) as { runs: { status: string; output: { text: string }[]; by: { name: string } }[] };
        return runs.map((r) => [r.by.name, r.status, r.output.map((o) => o.text).join('')]);
      })
      .toEqual([['Ada', 'ok', 'kept\n']]);
  });
});
