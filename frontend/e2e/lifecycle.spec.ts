import { startServer, type ServerHandle } from './server.mjs';
import {
  test,
  expect,
  createSession,
  editorText,
  joinSession,
  newParticipant,
  sqlite,
  typeAtEnd,
} from './helpers';

test.describe('password flow', () => {
  test('the candidate needs the password; the interviewer link does not', async ({ page, browser, server }) => {
    await page.goto(server.url);
    await page.getByLabel('Title').fill('Locked');
    await page.getByLabel(/^Password/u).fill('s3cret pass');
    await page.getByRole('button', { name: 'Create session' }).click();
    const candidateUrl = await page.getByTestId('candidate-link').inputValue();
    const interviewerUrl = await page.getByTestId('interviewer-link').inputValue();

    // The interviewer's token opens it without the password.
    await joinSession(page, interviewerUrl, 'Ada');
    await typeAtEnd(page, 'secret code');

    const { context, page: cpage } = await newParticipant(browser);
    await cpage.goto(candidateUrl);
    const gate = cpage.getByTestId('join-gate');
    await expect(gate).toContainText('protected by a password');
    await expect(gate).not.toContainText('Locked'); // nothing leaks before the password
    await cpage.getByLabel('Your name').fill('Grace');
    await cpage.getByLabel('Password', { exact: true }).fill('wrong');
    await cpage.getByRole('button', { name: 'Join session' }).click();
    await expect(cpage.getByRole('alert')).toContainText('password is not right');
    await expect(cpage.locator('.monaco-editor')).toHaveCount(0);

    await cpage.getByLabel('Password', { exact: true }).fill('s3cret pass');
    await cpage.getByRole('button', { name: 'Join session' }).click();
    await expect(cpage.locator('[data-testid="code-editor"][data-editable="true"]')).toBeVisible();
    await expect.poll(() => editorText(cpage)).toBe('secret code');
    await expect(cpage.getByTestId('session-title')).toHaveText('Locked');
    await context.close();
  });

  test('the interviewer can remove the password from the settings', async ({ page, browser, server }) => {
    const session = await createSession(server.url, { title: 'Lock then unlock', password: 'pw' });
    await joinSession(page, session.interviewer_url, 'Ada');
    await page.getByTestId('open-settings').click();
    const dialog = page.getByRole('dialog', { name: 'Session settings' });
    await dialog.getByRole('button', { name: 'Remove password' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Password removed.');
    await dialog.getByLabel('Title').fill('Unlocked now');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Title saved.');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('session-title')).toHaveText('Unlocked now');

    const { context, page: cpage } = await newParticipant(browser);
    await joinSession(cpage, session.join_url, 'Grace');
    await expect(cpage.getByTestId('session-title')).toHaveText('Unlocked now');
    await context.close();
  });
});

test.describe('session pages', () => {
  test('an unknown session shows its page', async ({ page, server }) => {
    await page.goto(`${server.url}/s/00000000-0000-4000-8000-000000000000`);
    await expect(page.getByRole('heading', { name: 'Session not found' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Create a new session' })).toHaveAttribute('href', '/');
  });

  test('an expired session shows its page', async ({ page, server }) => {
    const session = await createSession(server.url, { ttl_seconds: 60 });
    sqlite(server.db, `UPDATE sessions SET expires_at = 0 WHERE id = '${session.id}'`);
    await page.goto(session.join_url);
    await expect(page.getByRole('heading', { name: 'This session has expired' })).toBeVisible();
  });

  test('ending the session sends everyone to the deleted page', async ({ page, browser, server }) => {
    const session = await createSession(server.url, { title: 'Short one' });
    await joinSession(page, session.interviewer_url, 'Ada');
    const { context, page: cpage } = await newParticipant(browser);
    await joinSession(cpage, session.join_url, 'Grace');

    await page.getByTestId('open-settings').click();
    await page.getByRole('button', { name: 'End session…' }).click();
    await page.getByTestId('confirm-end').click();
    for (const p of [page, cpage]) {
      await expect(p.getByRole('heading', { name: 'This session was deleted' })).toBeVisible();
    }
    await cpage.reload();
    await expect(cpage.getByRole('heading', { name: 'Session not found' })).toBeVisible();
    await context.close();
  });

  test('the name is remembered for the next session', async ({ page, server }) => {
    const first = await createSession(server.url);
    await joinSession(page, first.join_url, 'Remembered Name');
    const second = await createSession(server.url);
    await page.goto(second.join_url);
    await expect(page.locator('[data-testid="code-editor"][data-editable="true"]')).toBeVisible();
    await expect(page.getByTestId('presence-list')).toContainText('Remembered Name');
  });
});

test.describe('reconnection', () => {
  let own: ServerHandle;
  test.beforeEach(async () => {
    own = await startServer();
  });
  test.afterEach(async () => {
    await own.dispose();
  });

  test('edits made while the server restarts are kept and merged', async ({ page, browser }) => {
    const session = await createSession(own.url, { title: 'Restart me' });
    await joinSession(page, session.interviewer_url, 'Ada');
    const { context, page: cpage } = await newParticipant(browser);
    await joinSession(cpage, session.join_url, 'Grace');

    await typeAtEnd(page, 'before restart');
    await expect.poll(() => editorText(cpage)).toBe('before restart');
    const status = page.getByTestId('connection-status');
    await expect(status).toHaveAttribute('data-pending', '0');

    await own.stop();
    await expect(status).toHaveAttribute('data-status', 'reconnecting');
    await typeAtEnd(page, '\noffline from Ada');
    await typeAtEnd(cpage, '\noffline from Grace');
    await expect(status).toContainText('Offline · edits pending');
    expect(Number(await status.getAttribute('data-pending'))).toBeGreaterThan(0);

    await own.restart();
    await expect(status).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
    await expect(status).toHaveAttribute('data-pending', '0');
    await expect(cpage.getByTestId('connection-status')).toHaveAttribute('data-pending', '0', { timeout: 20_000 });

    // Both offline edits merged on both sides (order decided by the CRDT).
    for (const p of [page, cpage]) {
      await expect.poll(() => editorText(p)).toContain('offline from Ada');
      await expect.poll(() => editorText(p)).toContain('offline from Grace');
    }
    expect(await editorText(page)).toBe(await editorText(cpage));

    // And durable: a fresh load shows them.
    await cpage.reload();
    await expect(cpage.locator('[data-testid="code-editor"][data-editable="true"]')).toBeVisible();
    await expect.poll(() => editorText(cpage)).toContain('offline from Ada');
    await expect.poll(() => editorText(cpage)).toContain('offline from Grace');
    await expect(cpage.getByTestId('presence-list').getByTestId('participant')).toHaveCount(2);
    await context.close();
  });
});
