import type { Page } from '@playwright/test';
import { expect, openSession, runAndWait, setCode, test } from './helpers';

/**
 * Go compiled and run in the browser: the real compiler and linker (built
 * for js/wasm by scripts/build-go-runtime.sh) in the runner's Go worker.
 */

const lastExit = (page: Page) => page.getByTestId('run-exit').last();
/** The editor shows tabs as spaces (and setCode compares what it shows): indent with spaces. */
const setGo = (page: Page, code: string) => setCode(page, code.replaceAll('\t', '    '));
/** The first run downloads and compiles the toolchain (~19 MB gzip). */
const FIRST_RUN_MS = 90_000;

test.describe('Go in the browser', () => {
  test.describe.configure({ timeout: 120_000 });

  test('hello world compiles, links and prints', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(page, 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello from go", 6*7)\n}\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-progress').or(page.getByTestId('run-exit'))).toBeVisible();
    await expect(lastExit(page)).toContainText('Exited with status 0', { timeout: FIRST_RUN_MS });
    await expect(page.getByTestId('output-panel')).toContainText('hello from go 42');
  });

  test('reads two numbers from stdin and prints their sum', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(
      page,
      'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tin := bufio.NewReader(os.Stdin)\n\tvar a, b int\n\tfmt.Print("two numbers? ")\n\tfmt.Fscan(in, &a)\n\tfmt.Fscan(in, &b)\n\tfmt.Println("sum:", a+b)\n}\n',
    );
    await page.getByTestId('run-button').click();
    const stdin = page.getByTestId('stdin-input');
    await expect(stdin).toBeVisible({ timeout: FIRST_RUN_MS });
    await expect(page.getByTestId('output-panel')).toContainText('two numbers?');
    await stdin.fill('19');
    await stdin.press('Enter');
    await stdin.fill('23');
    await stdin.press('Enter');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('sum: 42');
  });

  test('a compile error points at its line in the exit line and the editor', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(page, 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(undefinedName)\n}\n');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('./main.go:6:17: undefined: undefinedName');
    await expect(lastExit(page)).toContainText('Line 6');
    await expect(lastExit(page)).toContainText('undefined: undefinedName');
    await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  });

  test('an infinite loop is stopped by the time limit', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go', run_timeout_seconds: 3 });
    await setGo(page, 'package main\n\nfunc main() {\n\tfor {\n\t}\n}\n');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(lastExit(page)).toContainText('Timed out');
    // The toolchain is loaded again behind the scenes: the next run works.
    await setGo(page, 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("after the loop") }\n');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('after the loop');
  });

  test('a panic ends the run with a non-zero exit and its message', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(
      page,
      'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("before")\n\txs := []int{1, 2, 3}\n\ti := 5\n\tfmt.Println(xs[i])\n}\n',
    );
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('before');
    expect(out).toContain('goroutine 1 [running]');
    await expect(lastExit(page)).toContainText('status 2');
    await expect(lastExit(page)).toContainText('Line 9');
    await expect(lastExit(page)).toContainText('panic: runtime error: index out of range [5] with length 3');
  });

  test('a deadlock is reported by the Go runtime instead of hanging', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(page, 'package main\n\nimport "fmt"\n\nfunc main() {\n\tch := make(chan int)\n\tfmt.Println(<-ch)\n}\n');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('fatal error: all goroutines are asleep - deadlock!');
    await expect(lastExit(page)).toContainText('status 2');
    await expect(lastExit(page)).toContainText('Line 7');
  });

  test('a deadlock in a program without imports is reported too', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(page, 'package main\n\nfunc main() {\n\tch := make(chan int)\n\t<-ch\n}\n');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(lastExit(page)).toContainText('status 2');
    await expect(lastExit(page)).toContainText('fatal error: all goroutines are asleep - deadlock!');
  });

  test('importing a package the runner does not ship says which ones it has', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'go' });
    await setGo(page, 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.Get("x")\n}\n');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(lastExit(page)).toContainText('Line 3');
    await expect(lastExit(page)).toContainText('package net/http is not available');
    await expect(page.getByTestId('output-panel')).toContainText('container/heap');
  });
});
