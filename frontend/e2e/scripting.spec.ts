import type { Page } from '@playwright/test';
import { expect, openSession, runAndWait, setCode, test } from './helpers';

/** Lua, SQL and Ruby in the runner, in Chromium against the real server. */

const lastExit = (page: Page) => page.getByTestId('run-exit').last();
/** First runs download the runtime (Ruby ≈9 MB gzip) and compile it. */
const FIRST_RUN_MS = 90_000;

/** Answers the program's next stdin request with `line`. */
async function typeLine(page: Page, line: string): Promise<void> {
  const stdin = page.getByTestId('stdin-input');
  await expect(stdin).toBeVisible({ timeout: FIRST_RUN_MS });
  await stdin.fill(line);
  await stdin.press('Enter');
}

test.describe('Lua', () => {
  test('prints with print and io.write', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua' });
    await setCode(page, 'print("hello from lua", 6 * 7)\nio.write("no newline", "\\n")');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('hello from lua\t42');
    expect(out).toContain('no newline');
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test('reads two numbers from stdin and prints their sum', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua' });
    await setCode(page, 'io.write("a? ")\nlocal a = io.read("n")\nio.write("b? ")\nlocal b = io.read("n")\nprint("sum", a + b)');
    await page.getByTestId('run-button').click();
    await typeLine(page, '19');
    await expect(page.getByTestId('output-panel')).toContainText('b?');
    await typeLine(page, '23');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('sum\t42');
  });

  test('io.read("a") reads every line until the end of input', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua' });
    await setCode(page, 'local all = io.read("a")\nio.write("got [", all, "]\\n")\nprint("again", io.read("l"))');
    await page.getByTestId('run-button').click();
    await typeLine(page, 'first line');
    await typeLine(page, 'second line');
    await expect(page.getByTestId('stdin-input')).toBeVisible();
    await page.getByTestId('stdin-input').press('Control+d');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('got [first line\nsecond line\n]');
    await expect(page.getByTestId('output-panel')).toContainText('again\tnil');
  });

  test('an error names its line', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua' });
    await setCode(page, 'local t = {}\nprint("before")\nprint(t.x.y)\n');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('before');
    expect(out).toContain('stack traceback');
    await expect(lastExit(page)).toContainText('Exited with status 1');
    await expect(lastExit(page)).toContainText("Line 3: attempt to index a nil value (field 'x')");
  });

  test('os.exit sets the exit status', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua' });
    await setCode(page, 'print("bye")\nos.exit(3)\nprint("never")');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).not.toContain('never');
    await expect(lastExit(page)).toContainText('Exited with status 3');
  });

  test('an infinite loop is stopped by the time limit and the runtime comes back', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'lua', run_timeout_seconds: 3 });
    await setCode(page, 'while true do end\n');
    await page.getByTestId('run-button').click();
    await expect(lastExit(page)).toContainText('Timed out', { timeout: FIRST_RUN_MS });
    await setCode(page, 'print("alive")');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(page.getByTestId('output-panel')).toContainText('alive');
  });
});

test.describe('SQL', () => {
  test('a query prints a result table with a row count', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'sql' });
    await setCode(page, "SELECT 'hello from sql' AS greeting, 6 * 7 AS answer;");
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('│ hello from sql │     42 │');
    expect(out).toContain('(1 row)');
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test('queries a table created in the same script, fresh on every run', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'sql' });
    const script = [
      'CREATE TABLE nums (a INTEGER, b INTEGER);',
      'INSERT INTO nums VALUES (19, 23), (1, 2);',
      'SELECT a, b, a + b AS sum FROM nums ORDER BY a;',
    ].join('\n');
    await setCode(page, script);
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('│ 19 │ 23 │  42 │');
    expect(out).toContain('(2 rows)');
    // The second run starts from an empty database again (CREATE TABLE would fail otherwise).
    await runAndWait(page);
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test("queries the interviewer's seed schema", async ({ page, server }) => {
    const setup = "CREATE TABLE employees (name TEXT, salary INTEGER);\nINSERT INTO employees VALUES ('Ada', 120), ('Grace', 130);";
    await openSession(page, server.url, 'Ada', { language: 'sql', run_settings: { sql_setup: setup } });
    await setCode(page, 'SELECT name FROM employees WHERE salary > 125;');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('│ Grace │');
    expect(out).not.toContain('│ Ada');
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test('an error names the line of the failing statement', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'sql' });
    await setCode(page, 'SELECT 1 AS one;\n\nSELECT * FROM missing;\n');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('(1 row)');
    await expect(lastExit(page)).toContainText('Exited with status 1');
    await expect(lastExit(page)).toContainText('Line 3: no such table: missing');
  });
});

test.describe('Ruby', () => {
  test('prints with puts', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(page, 'puts "hello from ruby #{6 * 7}"\nprint [1, 2].sum, "\\n"');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('hello from ruby 42');
    expect(out).toContain('3');
    await expect(lastExit(page)).toContainText('Exited with status 0');
  });

  test('reads two numbers with gets and prints their sum', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(page, 'print "a? "\na = gets.to_i\nprint "b? "\nb = STDIN.gets.to_i\nputs "sum #{a + b}"');
    await page.getByTestId('run-button').click();
    await typeLine(page, '19');
    await expect(page.getByTestId('output-panel')).toContainText('b?');
    await typeLine(page, '23');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('sum 42');
  });

  test('STDIN.read reads every line until the end of input', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(page, 'words = STDIN.read.split\nputs "#{words.size} words: #{words.join(",")}"\np STDIN.gets');
    await page.getByTestId('run-button').click();
    await typeLine(page, 'one two');
    await typeLine(page, 'three');
    await expect(page.getByTestId('stdin-input')).toBeVisible();
    await page.getByTestId('stdin-end').click();
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await expect(page.getByTestId('output-panel')).toContainText('3 words: one,two,three');
    await expect(page.getByTestId('output-panel')).toContainText('nil');
  });

  test('an exception names its line', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(page, 'def check(n)\n  raise ArgumentError, "bad input" if n < 0\nend\n\ncheck(-1)\n');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).toContain('bad input (ArgumentError)');
    await expect(lastExit(page)).toContainText('Exited with status 1');
    await expect(lastExit(page)).toContainText('Line 2: ArgumentError: bad input');
  });

  test('exit sets the exit status', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby' });
    await setCode(page, 'puts "bye"\nexit 3\nputs "never"');
    const out = await runAndWait(page, FIRST_RUN_MS);
    expect(out).not.toContain('never');
    await expect(lastExit(page)).toContainText('Exited with status 3');
  });

  test('an infinite loop is stopped by the time limit and the runtime comes back', async ({ page, server }) => {
    await openSession(page, server.url, 'Ada', { language: 'ruby', run_timeout_seconds: 3 });
    await setCode(page, 'loop { }\n');
    await page.getByTestId('run-button').click();
    await expect(lastExit(page)).toContainText('Timed out', { timeout: FIRST_RUN_MS });
    await setCode(page, 'puts "alive"');
    await runAndWait(page, FIRST_RUN_MS);
    await expect(page.getByTestId('output-panel')).toContainText('alive');
  });
});
