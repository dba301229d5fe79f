import { test, expect, expectAccessible } from './helpers';

test.describe('home page', () => {
  test('creates a session through the form and lists it under recent sessions', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'New interview session' })).toBeVisible();
    await page.getByLabel('Title').fill('Two sum');
    await page.getByTestId('create-language').selectOption('python');
    await page.getByRole('button', { name: 'Create session' }).click();

    const created = page.getByTestId('created-session');
    await expect(created).toBeVisible();
    await expect(created.getByRole('heading', { name: 'Two sum' })).toBeVisible();
    await expect(page.getByText('it is shown only once')).toBeVisible();
    const candidate = await page.getByTestId('candidate-link').inputValue();
    const interviewer = await page.getByTestId('interviewer-link').inputValue();
    expect(candidate).toMatch(/\/s\/[0-9a-f-]{36}$/u);
    expect(interviewer).toMatch(/\/s\/[0-9a-f-]{36}#token=[A-Za-z0-9_-]{43}$/u);
    expect(interviewer.startsWith(candidate)).toBe(true);

    const recent = page.getByTestId('recent-sessions');
    await expect(recent.getByRole('link', { name: /Two sum/u })).toHaveAttribute('href', interviewer);

    // Remembered across reloads (localStorage).
    await page.reload();
    await expect(page.getByTestId('recent-sessions').getByRole('link', { name: /Two sum/u })).toBeVisible();
  });

  test('copy buttons put the links on the clipboard', async ({ page, server, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Create session' }).click();
    const candidate = await page.getByTestId('candidate-link').inputValue();
    await page.getByRole('button', { name: 'Copy candidate link', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Copy candidate link', exact: true })).toContainText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(candidate);
  });

  test('theme toggle switches and is remembered', async ({ page, server }) => {
    await page.goto(server.url);
    const html = page.locator('html');
    await expect(html).not.toHaveClass(/dark/u);
    const toggle = page.getByTestId('theme-toggle');
    await toggle.click(); // system -> light
    await toggle.click(); // light -> dark
    await expect(html).toHaveClass(/dark/u);
    await page.reload();
    await expect(html).toHaveClass(/dark/u);
  });

  test('has no serious accessibility violations', async ({ page, server }) => {
    await page.goto(server.url);
    await expect(page.getByRole('button', { name: 'Create session' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create session' }).click();
    await expect(page.getByTestId('created-session')).toBeVisible();
    await expectAccessible(page);
  });
});
