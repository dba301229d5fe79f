import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { readState, type E2EState } from './state';

export { expect };

export const test = base.extend<{ server: E2EState }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    await use(readState());
  },
});

export interface CreatedSession {
  id: string;
  title: string;
  interviewer_token: string;
  join_url: string;
  interviewer_url: string;
}

/** Creates a session through the REST API. */
export async function createSession(baseUrl: string, body: Record<string, unknown> = {}): Promise<CreatedSession> {
  const res = await fetch(`${baseUrl}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedSession;
}

/** Runs SQL on the server's SQLite database with the sqlite3 CLI. */
export function sqlite(db: string, sql: string): string {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
}

/** A new browser context with clipboard access (a second, independent participant). */
export async function newParticipant(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
  const page = await context.newPage();
  return { context, page };
}

/** Opens a session link, answers the name (and password) prompt, waits until the editor is editable. */
export async function joinSession(page: Page, url: string, name: string, password?: string): Promise<void> {
  await page.goto(url);
  const gate = page.getByTestId('join-gate');
  const editor = page.locator('[data-testid="code-editor"][data-editable="true"]');
  await expect(gate.or(editor)).toBeVisible();
  if (await gate.isVisible()) {
    await page.getByLabel('Your name').fill(name);
    if (password !== undefined) await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Join session' }).click();
  }
  await expect(editor).toBeVisible();
}

/** Focuses the editor and moves the caret to the end of the document. */
export async function focusEditorEnd(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
}

export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await focusEditorEnd(page);
  await page.keyboard.type(text, { delay: 5 });
}

/** The visible text of the editor, line by line. */
export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll<HTMLElement>('.monaco-editor .view-lines .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/gu, ' ')).join('\n');
  });
}

/** Asserts that axe finds no serious or critical violation. */
export async function expectAccessible(page: Page, exclude: string[] = []): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  for (const selector of exclude) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`),
  ).toEqual([]);
}

/**
 * Replaces the whole document with code, pasted in one piece (typing would
 * trigger Monaco's auto-closing and auto-indenting).
 */
export async function setCode(page: Page, code: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.keyboard.press('ControlOrMeta+v');
  await expect.poll(() => editorText(page)).toBe(code);
}

/** Creates a session in `language` (optionally with a run time limit) and joins it as `name`. */
export async function openSession(
  page: Page,
  baseUrl: string,
  name: string,
  body: Record<string, unknown> = {},
): Promise<CreatedSession> {
  const session = await createSession(baseUrl, body);
  await joinSession(page, session.interviewer_url, name);
  return session;
}

/** Presses Run and waits for the run's exit line; returns the output panel's text. */
export async function runAndWait(page: Page, timeout = 30_000): Promise<string> {
  const exits = page.getByTestId('run-exit');
  const before = await exits.count();
  await page.getByTestId('run-button').click();
  await expect(exits).toHaveCount(before + 1, { timeout });
  return (await page.getByTestId('output-panel').textContent()) ?? '';
}
