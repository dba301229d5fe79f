import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  test,
  expect,
  editorText,
  expectAccessible,
  focusEditorEnd,
  joinSession,
  newParticipant,
  typeAtEnd,
} from './helpers';

const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results');

test.describe('two participants', () => {
  test('edit together: text, cursor labels, presence, typing, language', async ({ page, browser, server }) => {
    // The interviewer creates the session through the UI.
    await page.goto(server.url);
    await page.getByLabel('Title').fill('Pairing: LRU cache');
    await page.getByRole('button', { name: 'Create session' }).click();
    const candidateUrl = await page.getByTestId('candidate-link').inputValue();
    const interviewerUrl = await page.getByTestId('interviewer-link').inputValue();
    await joinSession(page, interviewerUrl, 'Ada Lovelace');
    await expect(page.getByTestId('session-title')).toHaveText('Pairing: LRU cache');
    await expect(page.getByText('You are the interviewer')).toBeVisible();

    // The candidate opens the candidate link in another browser context.
    const candidate = await newParticipant(browser);
    const cpage = candidate.page;
    await joinSession(cpage, candidateUrl, 'Grace Hopper');
    await expect(cpage.getByText('You are the interviewer')).toHaveCount(0);

    // Presence on both sides, with roles.
    for (const p of [page, cpage]) {
      const list = p.getByTestId('presence-list');
      await expect(list.getByTestId('participant')).toHaveCount(2);
      await expect(list.getByText('Ada Lovelace')).toBeVisible();
      await expect(list.getByText('Grace Hopper')).toBeVisible();
      await expect(list.getByText('Interviewer')).toBeVisible();
      await expect(list.getByText('Candidate')).toBeVisible();
      await expect(p.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
    }

    // Both type; each sees the other's text.
    await typeAtEnd(page, 'function lru(capacity) {');
    await expect.poll(() => editorText(cpage)).toContain('function lru(capacity) {');
    await cpage.keyboard.press('Escape');
    await typeAtEnd(cpage, '\n// candidate: use a Map');
    await expect.poll(() => editorText(page)).toContain('// candidate: use a Map');
    await expect.poll(() => editorText(cpage)).toContain('function lru(capacity) {');

    // Typing hint on the other side while the candidate types.
    await cpage.keyboard.type(' and a list', { delay: 30 });
    await expect(page.getByTestId('presence-list').getByText('typing')).toBeVisible();

    // Remote cursor with a name label in the other's colour.
    const label = async (p: typeof page) =>
      p.evaluate(() => {
        const head = document.querySelector('.yRemoteSelectionHead');
        return head ? getComputedStyle(head, '::after').content : null;
      });
    await expect.poll(() => label(page)).toBe('"Grace Hopper"');
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+Home');
    await expect.poll(() => label(cpage)).toBe('"Ada Lovelace"');

    await expect(page.getByTestId('notice')).toHaveCount(0);
    // The two-participant view, for people to look at.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\n  const cache = new Map();', { delay: 5 });
    await cpage.locator('.monaco-editor .view-lines').click();
    await cpage.keyboard.press('ControlOrMeta+End');
    await cpage.keyboard.type('\n  // evict the oldest entry', { delay: 5 });
    await expect.poll(() => editorText(page)).toContain('evict the oldest entry');
    await page.waitForTimeout(2000); // let the typing hint fade
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'two-participants.png') });
    await cpage.screenshot({ path: join(SCREENSHOT_DIR, 'two-participants-candidate.png') });

    // Language change propagates both ways.
    await cpage.getByTestId('language-select').selectOption('python');
    await expect(page.getByTestId('language-select')).toHaveValue('python');
    await expect(page.getByTestId('session-language')).toHaveText('Python');
    await expect(page.getByTestId('notice')).toContainText('Grace Hopper switched the language');
    await page.getByTestId('language-select').selectOption('go');
    await expect(cpage.getByTestId('language-select')).toHaveValue('go');

    // The candidate leaves: the interviewer's presence list and cursors follow.
    await candidate.context.close();
    await expect(page.getByTestId('presence-list').getByTestId('participant')).toHaveCount(1);
    await expect(page.locator('.yRemoteSelectionHead')).toHaveCount(0);
  });

  test('undo only undoes your own edits', async ({ page, browser, server }) => {
    const res = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const session = (await res.json()) as { join_url: string; interviewer_url: string };
    await joinSession(page, session.interviewer_url, 'Ada');
    const other = await newParticipant(browser);
    await joinSession(other.page, session.join_url, 'Grace');

    // One input each (typing speed would otherwise decide the undo steps).
    await focusEditorEnd(page);
    await page.keyboard.insertText('alpha');
    await expect.poll(() => editorText(other.page)).toContain('alpha');
    await focusEditorEnd(other.page);
    await other.page.keyboard.insertText(' beta');
    await expect.poll(() => editorText(page)).toContain('alpha beta');

    // Ada undoes: her "alpha" goes, Grace's " beta" stays.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(() => editorText(page)).toBe(' beta');
    await expect.poll(() => editorText(other.page)).toBe(' beta');
    // Redo brings it back.
    await page.keyboard.press('ControlOrMeta+Shift+z');
    await expect.poll(() => editorText(other.page)).toBe('alpha beta');
    await other.context.close();
  });

  test('session page has no serious accessibility violations', async ({ page, server }) => {
    const res = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"title":"A11y"}' });
    const session = (await res.json()) as { interviewer_url: string; join_url: string };
    await page.goto(session.join_url);
    await expect(page.getByTestId('join-gate')).toBeVisible();
    await expectAccessible(page);
    await joinSession(page, session.join_url, 'Ada');
    await typeAtEnd(page, 'const x = 1;');
    // Monaco's own widgets are third-party; check everything else on the page.
    await expectAccessible(page);
  });

  test('Run is visibly disabled for a language without a browser runtime, and says why', async ({ page, server }) => {
    const res = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"language":"kotlin"}' });
    const session = (await res.json()) as { join_url: string };
    await joinSession(page, session.join_url, 'Ada');
    const run = page.getByTestId('run-button');
    await expect(run).toHaveAttribute('aria-disabled', 'true');
    await expect(page.getByTestId('stop-button')).toBeDisabled();
    await run.hover();
    await expect(page.getByRole('tooltip', { name: /Kotlin cannot run in the browser: the Kotlin compiler needs a JVM/u })).toBeVisible();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect(page.getByTestId('notice')).toContainText('Kotlin cannot run in the browser: the Kotlin compiler needs a JVM');
    // Ctrl+Enter did not insert a line.
    expect(await editorText(page)).toBe('');
  });
});
