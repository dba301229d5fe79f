import { test, expect, createSession, joinSession, typeAtEnd } from './helpers';

test.describe('self-hosted assets', () => {
  test('the session page talks only to its own origin and the runner origin, and respects the CSP', async ({ page, server }) => {
    const foreign: string[] = [];
    const problems: string[] = [];
    page.context().on('request', (request) => {
      const url = request.url();
      const ours = [server.url, server.runnerUrl, 'data:', 'blob:'];
      if (!ours.some((prefix) => url.startsWith(prefix))) foreign.push(url);
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/u.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));

    const session = await createSession(server.url, { language: 'typescript' });
    await joinSession(page, session.join_url, 'Ada');
    await typeAtEnd(page, 'const answer: number = 42;');
    // The TypeScript worker starts lazily once the editor is usable.
    await expect.poll(() => workers.some((w) => /ts\.worker/u.test(w)), { timeout: 15_000 }).toBe(true);
    // Monaco's workers come from the app; run workers from the runner origin.
    for (const w of workers) expect(w.startsWith(`${server.url}/assets/`) || w.startsWith(`${server.runnerUrl}/assets/`)).toBe(true);
    await page.goto(server.url);
    await expect(page.getByRole('button', { name: 'Create session' })).toBeVisible();
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('hashed assets are cached for a year and served compressed', async ({ request, server }) => {
    const html = await (await request.get(server.url)).text();
    const script = /src="(\/assets\/index-[\w-]+\.js)"/u.exec(html)?.[1];
    expect(script).toBeTruthy();
    const res = await request.get(`${server.url}${script}`, { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers()['content-encoding']).toBe('br');
    expect(res.headers()['content-type']).toContain('text/javascript');
  });
});
