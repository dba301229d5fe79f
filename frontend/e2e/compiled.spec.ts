import type { BrowserContext, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect, openSession, runAndWait, setCode, test } from './helpers';

/**
 * C and C++ compiled in the runner with clang (WebAssembly) and run under a
 * WASI shim, against the real server. One browser context for the file: the
 * compiler (≈27 MB gzip) is downloaded once into its Cache Storage, and every
 * later page of the file loads it from there.
 */

const COMPILE_TIMEOUT = 120_000;
const lastExit = (page: Page) => page.getByTestId('run-exit').last();

let context: BrowserContext;
test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
});
test.afterAll(async () => {
  await context.close();
});

async function newPage(): Promise<Page> {
  return context.newPage();
}

const C_SUM = '#include <stdio.h>\n\nint main(void) {\n  long a, b;\n  if (scanf("%ld %ld", &a, &b) != 2) return 2;\n  printf("sum=%ld\\n", a + b);\n  return 0;\n}\n';
const CPP_SUM = '#include <iostream>\n\nint main() {\n  long long a, b;\n  std::cin >> a >> b;\n  std::cout << "sum=" << a + b << std::endl;\n}\n';

/** Runs the session's code, typing `line` into the stdin box when the program asks. */
async function runWithStdin(page: Page, line: string): Promise<void> {
  await page.getByTestId('run-button').click();
  const stdin = page.getByTestId('stdin-input');
  await expect(stdin).toBeVisible({ timeout: COMPILE_TIMEOUT });
  await stdin.fill(line);
  await stdin.press('Enter');
}

for (const lang of [
  { id: 'c', name: 'C', hello: '#include <stdio.h>\n\nint main(void) {\n  printf("hello from c %d\\n", 6 * 7);\n  return 0;\n}\n', sum: C_SUM },
  {
    id: 'cpp',
    name: 'C++',
    hello: '#include <iostream>\n\nint main() {\n  std::cout << "hello from cpp " << 6 * 7 << "\\n";\n}\n',
    sum: CPP_SUM,
  },
] as const) {
  test.describe(`${lang.name} in the browser`, () => {
    test(`${lang.name}: hello world compiles and runs`, async ({ server }) => {
      const page = await newPage();
      await openSession(page, server.url, 'Ada', { language: lang.id });
      await setCode(page, lang.hello);
      await page.getByTestId('run-button').click();
      await expect(lastExit(page)).toContainText('Exited with status 0', { timeout: COMPILE_TIMEOUT });
      await expect(page.getByTestId('output-panel')).toContainText(`hello from ${lang.id} 42`);
      await page.close();
    });

    test(`${lang.name}: reads two numbers from stdin and prints the sum`, async ({ server }) => {
      const page = await newPage();
      await openSession(page, server.url, 'Ada', { language: lang.id });
      await setCode(page, lang.sum);
      await runWithStdin(page, '40 2');
      await expect(lastExit(page)).toContainText('Exited with status 0', { timeout: COMPILE_TIMEOUT });
      await expect(page.getByTestId('output-panel')).toContainText('sum=42');
      await page.close();
    });

    test(`${lang.name}: a compile error points at its line`, async ({ server }) => {
      const page = await newPage();
      await openSession(page, server.url, 'Ada', { language: lang.id });
      const code = lang.id === 'c' ? '#include <stdio.h>\n\nint main(void) {\n  int x = 1;\n  printf("%d\\n", y);\n  return x;\n}\n' : '#include <iostream>\n\nint main() {\n  int x = 1;\n  std::cout << y << x;\n}\n';
      await setCode(page, code);
      await page.getByTestId('run-button').click();
      await expect(lastExit(page)).toContainText('Line 5', { timeout: COMPILE_TIMEOUT });
      await expect(lastExit(page)).toContainText("use of undeclared identifier 'y'");
      await expect(lastExit(page)).not.toContainText('status 0');
      await expect(page.getByTestId('output-panel')).toContainText(`main.${lang.id}:5:`);
      await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
      await page.close();
    });
  });
}

test.describe('C and C++ failures', () => {
  test('a C infinite loop is stopped by the time limit', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'c', run_timeout_seconds: 3 });
    await setCode(page, '#include <stdio.h>\n\nint main(void) {\n  volatile unsigned long n = 0;\n  printf("looping\\n");\n  for (;;) n++;\n}\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('looping', { timeout: COMPILE_TIMEOUT });
    await expect(lastExit(page)).toContainText("Timed out", { timeout: 15_000 });
    // The compiler comes back warm for the next run.
    await setCode(page, '#include <stdio.h>\n\nint main(void) {\n  puts("after the loop");\n  return 0;\n}\n');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('output-panel')).toContainText('after the loop', { timeout: COMPILE_TIMEOUT });
    await page.close();
  });

  test('a C null pointer dereference is reported as a crash with a non-zero exit', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'c' });
    await setCode(
      page,
      '#include <stdio.h>\n#include <stdlib.h>\n\nstruct node { int value; struct node *next; };\n\nint main(void) {\n  struct node *head = rand() < 0 ? malloc(sizeof *head) : NULL;\n  printf("before\\n");\n  printf("%d\\n", head->value);\n  return 0;\n}\n',
    );
    const out = await runAndWait(page, COMPILE_TIMEOUT);
    expect(out).toContain('before');
    expect(out).toContain('null pointer dereference');
    await expect(lastExit(page)).toContainText('134');
    await page.close();
  });

  test('C++ exceptions are explained instead of failing obscurely', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'cpp' });
    await setCode(page, '#include <stdexcept>\n\nint main() {\n  try {\n    throw std::runtime_error("boom");\n  } catch (...) {\n  }\n}\n');
    const out = await runAndWait(page, COMPILE_TIMEOUT);
    expect(out).toContain('C++ exceptions are not supported by this in-browser toolchain');
    await expect(lastExit(page)).toContainText('Line 5');
    await page.close();
  });
});

test('a typical C++ interview solution with <bits/stdc++.h> compiles and runs', async ({ server }) => {
  const page = await newPage();
  await openSession(page, server.url, 'Ada', { language: 'cpp' });
  await setCode(
    page,
    [
      '#include <bits/stdc++.h>',
      'using namespace std;',
      '',
      'int main() {',
      '  vector<string> words = {"pear", "apple", "fig", "apple", "kiwi", "fig", "apple"};',
      '  map<string, int> counts;',
      '  for (const auto& w : words) counts[w]++;',
      '  vector<pair<string, int>> byCount(counts.begin(), counts.end());',
      '  sort(byCount.begin(), byCount.end(), [](const auto& a, const auto& b) {',
      '    return a.second != b.second ? a.second > b.second : a.first < b.first;',
      '  });',
      '  for (const auto& [word, n] : byCount) cout << word << ":" << n << " ";',
      '  cout << "\\n";',
      '  unordered_set<int> seen;',
      '  priority_queue<int> pq;',
      '  for (int x : {5, 1, 9, 1, 7}) if (seen.insert(x).second) pq.push(x);',
      '  cout << "top=" << pq.top() << " sum=" << accumulate(seen.begin(), seen.end(), 0) << endl;',
      '}',
      '',
    ].join('\n'),
  );
  const out = await runAndWait(page, COMPILE_TIMEOUT);
  expect(out).toContain('apple:3 fig:2 kiwi:1 pear:1');
  expect(out).toContain('top=9 sum=22');
  await expect(lastExit(page)).toContainText('Exited with status 0');
  await page.close();
});

test.describe('C++ with the precompiled <bits/stdc++.h>', () => {
  test('is downloaded for C++ only, as soon as C++ is selected', async ({ browser, server }) => {
    // Downloads the compiler into an empty profile.
    test.setTimeout(3 * COMPILE_TIMEOUT);
    // A profile of its own: nothing of the compiler is cached yet.
    const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const from = readFileSync(server.logFile, 'utf8').length;
    // The file may be served precompressed; the request names the .pch.
    const pchRequests = () =>
      readFileSync(server.logFile, 'utf8')
        .slice(from)
        .split('\n')
        .filter((line) => /method=GET path="?\/clang\/\S*\.pch"? status=200/u.test(line)).length;
    try {
      const page = await fresh.newPage();
      await openSession(page, server.url, 'Ada', { language: 'c' });
      await setCode(page, '#include <stdio.h>\n\nint main(void) {\n  puts("c only");\n  return 0;\n}\n');
      const out = await runAndWait(page, COMPILE_TIMEOUT);
      expect(out).toContain('c only');
      expect(pchRequests()).toBe(0);
      // Selecting C++ warms the compiler up with its precompiled header, before any run.
      await openSession(page, server.url, 'Ada', { language: 'cpp' });
      await expect.poll(pchRequests, { timeout: COMPILE_TIMEOUT }).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  test('a program that includes <iostream>, <vector> and <algorithm> runs', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'cpp' });
    await setCode(
      page,
      '#include <iostream>\n#include <vector>\n#include <algorithm>\n\nint main() {\n  std::vector<int> v{5, 3, 9, 1};\n  std::sort(v.begin(), v.end());\n  for (int x : v) std::cout << x << " ";\n  std::cout << "\\n";\n}\n',
    );
    const out = await runAndWait(page, COMPILE_TIMEOUT);
    expect(out).toContain('1 3 5 9');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await page.close();
  });

  test('a global named like a std function still compiles (the PCH is dropped for it)', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'cpp' });
    // With every standard header visible, `count` would be ambiguous with std::count.
    await setCode(page, '#include <cstdio>\nusing namespace std;\n\nint count = 3;\n\nint main() {\n  printf("count=%d\\n", count);\n}\n');
    const out = await runAndWait(page, COMPILE_TIMEOUT);
    expect(out).toContain('count=3');
    expect(out).not.toContain('ambiguous');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await page.close();
  });

  test('a run with session compiler flags the PCH was not built with compiles and runs', async ({ server }) => {
    const page = await newPage();
    await openSession(page, server.url, 'Ada', { language: 'cpp', run_settings: { cpp_flags: '-O2 -std=c++20 -fno-exceptions' } });
    await setCode(page, '#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n  map<string, int> m{{"a", 1}, {"b", 2}};\n  cout << "size=" << m.size() << endl;\n}\n');
    const out = await runAndWait(page, COMPILE_TIMEOUT);
    expect(out).toContain('size=2');
    expect(out).not.toContain('precompiled');
    await expect(lastExit(page)).toContainText('Exited with status 0');
    await page.close();
  });
});

test('C sums numbers until the end of input', async ({ server }) => {
  const page = await newPage();
  await openSession(page, server.url, 'Ada', { language: 'c' });
  await setCode(page, '#include <stdio.h>\n\nint main(void) {\n  long sum = 0;\n  int x;\n  while (scanf("%d", &x) == 1) sum += x;\n  printf("total=%ld\\n", sum);\n  return 0;\n}\n');
  await runWithStdin(page, '1 2 3');
  const stdin = page.getByTestId('stdin-input');
  await expect(stdin).toBeVisible();
  await stdin.fill('4');
  await stdin.press('Enter');
  await expect(stdin).toBeVisible();
  await page.getByTestId('stdin-end').click();
  await expect(lastExit(page)).toContainText('Exited with status 0', { timeout: COMPILE_TIMEOUT });
  await expect(page.getByTestId('output-panel')).toContainText('total=10');
  await expect(page.getByTestId('output-panel')).toContainText('^D');
  await page.close();
});
