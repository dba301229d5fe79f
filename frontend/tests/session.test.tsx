import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect, useState } from 'react';
import SessionPage from '../src/components/session/SessionPage';
import type { CodeEditorProps } from '../src/components/editor/CodeEditor';
import { resetApiCache } from '../src/services/api';
import { usePrefs } from '../src/store/prefs';
import { FakeServer } from './fakes/fakeServer';
import { LANGUAGES, SESSION_ID, mockFetch, sessionInfo, type FakeResponse } from './fakes/fetch';

// Monaco does not run in jsdom: a stand-in shows the shared text.
vi.mock('../src/components/editor/CodeEditor', () => ({
  default: function StubEditor({ doc, readOnly, language, markers }: CodeEditorProps) {
    const [text, setText] = useState(doc.getText('code').toString());
    useEffect(() => {
      const ytext = doc.getText('code');
      const update = () => setText(ytext.toString());
      ytext.observe(update);
      return () => ytext.unobserve(update);
    }, [doc]);
    return (
      <div
        data-testid="code-editor"
        data-editable={readOnly ? 'false' : 'true'}
        data-language={language}
        data-markers={JSON.stringify(markers ?? [])}
      >
        {text}
        <button type="button" onClick={() => doc.getText('code').insert(0, 'x')}>
          stub: type x
        </button>
      </div>
    );
  },
}));

const TOKEN = 'interviewer-token';

function setup(
  getSession: FakeResponse | ((init: RequestInit) => FakeResponse),
  path = `/s/${SESSION_ID}`,
  runnerUrl: string | null = null,
  languages: unknown[] = LANGUAGES,
) {
  window.history.replaceState(null, '', path);
  const server = new FakeServer();
  const fetchMock = mockFetch({
    'GET /api/languages': { status: 200, body: languages },
    'GET /api/config': { status: 200, body: { runner_url: runnerUrl } },
    [`GET /api/sessions/${SESSION_ID}`]: typeof getSession === 'function' ? getSession : getSession,
    [`PATCH /api/sessions/${SESSION_ID}`]: (init) => ({
      status: 200,
      body: sessionInfo(JSON.parse(String(init.body)) as Record<string, unknown>),
    }),
    [`DELETE /api/sessions/${SESSION_ID}`]: { status: 204 },
  });
  const user = userEvent.setup();
  const view = render(<SessionPage sessionId={SESSION_ID} socketFactory={server.socket} />);
  return { server, fetchMock, user, view };
}

/** Answers the runner iframe's handshake; returns the runner's port and what it received. */
function connectRunner(frame: HTMLIFrameElement) {
  const connect = vi.spyOn(frame.contentWindow!, 'postMessage').mockImplementation(() => {});
  act(() => {
    window.dispatchEvent(
      new MessageEvent('message', { data: { type: 'pairpad-runner-hello' }, origin: 'http://localhost:8001', source: frame.contentWindow }),
    );
  });
  const port = ((connect.mock.calls[0] as unknown[])[2] as MessagePort[])[0]!;
  const received: Array<Record<string, unknown>> = [];
  port.onmessage = (event: MessageEvent) => received.push(event.data as Record<string, unknown>);
  port.postMessage({ type: 'ready', isolated: true });
  return { port, received };
}

beforeEach(() => {
  resetApiCache();
  usePrefs.setState({ name: '', theme: 'system', fontSize: 14, minimap: true });
});

describe('session page: access', () => {
  it('shows a not-found page for an unknown session', async () => {
    setup({ status: 404, body: { error: { code: 'session_not_found', message: 'no' } } });
    expect(await screen.findByRole('heading', { name: 'Session not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create a new session' })).toHaveAttribute('href', '/');
  });

  it('shows an expired page', async () => {
    setup({ status: 410, body: { error: { code: 'session_expired', message: 'expired' } } });
    expect(await screen.findByRole('heading', { name: 'This session has expired' })).toBeInTheDocument();
  });

  it('shows an ended page for an inactive session', async () => {
    setup({ status: 200, body: sessionInfo({ is_active: false }) });
    expect(await screen.findByRole('heading', { name: 'This session has ended' })).toBeInTheDocument();
  });

  it('asks for a name, remembers it and joins', async () => {
    const { user, server } = setup({ status: 200, body: sessionInfo() });
    const name = await screen.findByRole('textbox', { name: 'Your name' });
    await user.click(screen.getByRole('button', { name: 'Join session' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the name');
    await user.type(name, 'Grace Hopper');
    await user.click(screen.getByRole('button', { name: 'Join session' }));
    expect(await screen.findByTestId('code-editor')).toHaveAttribute('data-editable', 'true');
    expect(usePrefs.getState().name).toBe('Grace Hopper');
    expect([...server.members.values()].map((m) => m.user.name)).toEqual(['Grace Hopper']);
    expect(within(screen.getByTestId('presence-list')).getByText('Grace Hopper')).toBeInTheDocument();
  });

  it('skips the name prompt when a name is remembered', async () => {
    usePrefs.setState({ name: 'Ada' });
    setup({ status: 200, body: sessionInfo() });
    expect(await screen.findByTestId('code-editor')).toHaveAttribute('data-editable', 'true');
    expect(screen.queryByTestId('join-gate')).not.toBeInTheDocument();
  });

  it('asks for the password, reports a wrong one and joins with the right one', async () => {
    const getSession = (init: RequestInit): FakeResponse => {
      const password = (init.headers as Record<string, string>)['X-Session-Password'];
      if (!password) return { status: 401, body: { error: { code: 'password_required', message: 'pw' } } };
      if (password !== 'pw') return { status: 401, body: { error: { code: 'invalid_password', message: 'wrong' } } };
      return { status: 200, body: sessionInfo({ has_password: true }) };
    };
    const { user, server } = setup(getSession);
    server.password = 'pw';
    await user.type(await screen.findByRole('textbox', { name: 'Your name' }), 'Grace');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Join session' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That password is not right');
    expect(screen.getByRole('textbox', { name: 'Your name' })).toHaveValue('Grace');
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Join session' }));
    expect(await screen.findByTestId('code-editor')).toHaveAttribute('data-editable', 'true');
    expect([...server.members.values()][0]!.user.role).toBe('candidate');
  });

  it('sends the interviewer token from the fragment and shows the interviewer controls', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { fetchMock, server, user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}#token=${TOKEN}`);
    await screen.findByTestId('code-editor');
    const get = fetchMock.calls.find((c) => c.url === `/api/sessions/${SESSION_ID}`)!;
    expect(get.headers.Authorization).toBe(`Bearer ${TOKEN}`);
    expect([...server.members.values()][0]!.user.role).toBe('interviewer');
    expect(await screen.findByText('You are the interviewer')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Session settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Session settings' });
    const title = within(dialog).getByRole('textbox', { name: 'Title' });
    await user.clear(title);
    await user.type(title, 'Renamed');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Title saved.');
    const patch = fetchMock.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers.Authorization).toBe(`Bearer ${TOKEN}`);
    expect(patch.body).toEqual({ title: 'Renamed' });
    expect(screen.getByTestId('session-title')).toHaveTextContent('Renamed');

    await user.click(within(dialog).getByRole('button', { name: 'End session…' }));
    await user.click(within(dialog).getByRole('button', { name: 'Yes, end it for everyone' }));
    expect(fetchMock.calls.some((c) => c.method === 'DELETE' && c.headers.Authorization === `Bearer ${TOKEN}`)).toBe(true);
    act(() => server.end('session_deleted', 'The interviewer deleted this session.'));
    expect(await screen.findByRole('heading', { name: 'This session was deleted' })).toBeInTheDocument();
  });

  it('lets the interviewer change the run time limit', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { fetchMock, user } = setup({ status: 200, body: sessionInfo({ run_timeout_seconds: 10 }) }, `/s/${SESSION_ID}#token=${TOKEN}`);
    await screen.findByText('You are the interviewer');
    await user.click(screen.getByRole('button', { name: 'Session settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Session settings' });
    const limit = within(dialog).getByRole('spinbutton', { name: 'Run time limit (seconds)' });
    expect(limit).toHaveValue(10);
    await user.clear(limit);
    await user.type(limit, '30');
    await user.click(within(dialog).getByTestId('run-timeout-save'));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Run time limit saved.');
    expect(fetchMock.calls.find((c) => c.method === 'PATCH')!.body).toEqual({ run_timeout_seconds: 30 });
  });

  it('refuses a run time limit outside 1…300', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}#token=${TOKEN}`);
    await screen.findByText('You are the interviewer');
    await user.click(screen.getByRole('button', { name: 'Session settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Session settings' });
    const limit = within(dialog).getByRole('spinbutton', { name: 'Run time limit (seconds)' });
    await user.clear(limit);
    await user.type(limit, '301');
    expect(limit).toHaveAccessibleDescription('A whole number from 1 to 300.');
  });

  it('lets the interviewer set compiler flags and the SQL setup with one PATCH', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { fetchMock, user } = setup(
      { status: 200, body: sessionInfo({ run_settings: { c_flags: '-O2' } }) },
      `/s/${SESSION_ID}#token=${TOKEN}`,
    );
    await screen.findByText('You are the interviewer');
    await user.click(screen.getByRole('button', { name: 'Session settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Session settings' });
    const runs = within(dialog).getByRole('form', { name: 'Code runs' });
    const cFlags = within(runs).getByRole('textbox', { name: 'C compiler flags' });
    const cppFlags = within(runs).getByRole('textbox', { name: 'C++ compiler flags' });
    const sql = within(runs).getByRole('textbox', { name: 'SQL setup' });
    expect(cFlags).toHaveValue('-O2');
    expect(cppFlags).toHaveAttribute('placeholder', '-O1 -std=c++20 -Wall -Wextra -fno-exceptions');
    expect(sql).toHaveAccessibleDescription(/runs before the candidate's SQL in a fresh database/iu);
    const save = within(runs).getByTestId('run-settings-save');
    expect(save).toBeDisabled();

    await user.clear(cFlags);
    await user.type(cppFlags, ' -std=c++17 -O0 ');
    await user.type(sql, 'CREATE TABLE t (x INTEGER);');
    await user.click(save);
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Code run settings saved.');
    const patches = fetchMock.calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.body).toEqual({ run_settings: { cpp_flags: '-std=c++17 -O0', sql_setup: 'CREATE TABLE t (x INTEGER);' } });
  });

  it('refuses compiler flags longer than 500 characters', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}#token=${TOKEN}`);
    await screen.findByText('You are the interviewer');
    await user.click(screen.getByRole('button', { name: 'Session settings' }));
    const flags = screen.getByTestId('run-settings-c-flags');
    await user.click(flags);
    await user.paste('-O'.repeat(251));
    expect(flags).toHaveAccessibleDescription('At most 500 characters.');
    expect(screen.getByTestId('run-settings-save')).toBeDisabled();
  });

  it('has no interviewer controls for candidates', async () => {
    usePrefs.setState({ name: 'Grace' });
    setup({ status: 200, body: sessionInfo() });
    await screen.findByTestId('code-editor');
    expect(screen.queryByRole('button', { name: 'Session settings' })).not.toBeInTheDocument();
  });
});

describe('session page: live', () => {
  it('shows other participants, their edits and language changes', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { server, user } = setup({ status: 200, body: sessionInfo() });
    await screen.findByTestId('code-editor');
    expect(screen.getByTestId('language-select')).toHaveValue('javascript');

    // A second client joins through the same fake server.
    const { CollabProvider } = await import('../src/services/collab/provider');
    const Y = await import('yjs');
    const { Awareness } = await import('y-protocols/awareness');
    const doc = new Y.Doc();
    const other = new CollabProvider({ sessionId: SESSION_ID, name: 'Grace Hopper', doc, awareness: new Awareness(doc), socketFactory: server.socket });
    act(() => other.connect());
    const list = screen.getByTestId('presence-list');
    expect(await within(list).findByText('Grace Hopper')).toBeInTheDocument();
    expect(within(list).getByText('GH')).toBeInTheDocument();

    act(() => doc.getText('code').insert(0, 'print("hi")'));
    expect(screen.getByTestId('code-editor')).toHaveTextContent('print("hi")');

    await act(async () => {
      await other.setLanguage('python');
    });
    expect(screen.getByTestId('language-select')).toHaveValue('python');
    expect(screen.getByTestId('code-editor')).toHaveAttribute('data-language', 'python');
    expect(screen.getByTestId('notice')).toHaveTextContent('Grace Hopper switched the language');

    await user.selectOptions(screen.getByTestId('language-select'), 'go');
    expect(server.language).toBe('go');

    act(() => other.destroy());
    await waitFor(() => expect(within(list).queryByText('Grace Hopper')).not.toBeInTheDocument());
  });

  it('shows the connection state, including offline edits', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { server, user } = setup({ status: 200, body: sessionInfo() });
    await screen.findByTestId('code-editor');
    const status = screen.getByTestId('connection-status');
    expect(status).toHaveTextContent('Connected');
    act(() => server.crash());
    expect(status).toHaveTextContent('Reconnecting…');
    await user.click(screen.getByRole('button', { name: 'stub: type x' }));
    expect(status).toHaveTextContent('Offline · edits pending');
    expect(status).toHaveAttribute('data-pending', '1');
    act(() => server.restart());
    expect(status).toHaveTextContent('Connected');
    expect(status).toHaveAttribute('data-pending', '0');
    expect(server.text()).toBe('x');
  });

  it('keeps Run visibly disabled when the server runs no code, and says so', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { user } = setup({ status: 200, body: sessionInfo() });
    await screen.findByTestId('code-editor');
    const run = screen.getByRole('button', { name: /Run/u });
    await waitFor(() => expect(run).toHaveAccessibleDescription('Running code is turned off on this server.'));
    expect(run).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByRole('button', { name: /Stop/u })).toBeDisabled();
    expect(screen.getByTestId('run-unavailable')).toHaveTextContent('Running code is turned off on this server.');
    await user.click(run);
    expect(screen.getByTestId('notice')).toHaveTextContent('Running code is turned off on this server.');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(screen.getByTestId('notice')).toHaveTextContent('Running code is turned off on this server.');
  });

  it('says that a language is not runnable in the browser yet', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}`, 'http://localhost:8001/');
    await screen.findByTestId('code-editor');
    await user.selectOptions(screen.getByTestId('language-select'), 'go');
    const run = screen.getByRole('button', { name: /Run/u });
    expect(run).toHaveAttribute('aria-disabled', 'true');
    expect(run).toHaveAccessibleDescription('Go is not runnable in the browser yet.');
  });

  it('says why Kotlin cannot run', async () => {
    usePrefs.setState({ name: 'Ada' });
    const kotlin = { id: 'kotlin', name: 'Kotlin', monaco: 'kotlin', extension: 'kt', runnable: false, runtime_bytes: 0 };
    const { user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}`, 'http://localhost:8001/', [...LANGUAGES, kotlin]);
    await screen.findByTestId('code-editor');
    await user.selectOptions(screen.getByTestId('language-select'), 'kotlin');
    expect(screen.getByRole('button', { name: /Run/u })).toHaveAccessibleDescription(
      'Kotlin cannot run in the browser: the Kotlin compiler needs a JVM and has no browser build (see docs/decisions/csharp-java-kotlin.md).',
    );
  });

  it('sends the session SQL setup with a SQL run', async () => {
    usePrefs.setState({ name: 'Ada' });
    const sqlLanguage = { id: 'sql', name: 'SQL', monaco: 'sql', extension: 'sql', runnable: true, runtime_bytes: 0 };
    const { server, user } = setup(
      { status: 200, body: sessionInfo({ language: 'sql', run_settings: { sql_setup: 'CREATE TABLE t (x);', c_flags: '-O2' } }) },
      `/s/${SESSION_ID}`,
      'http://localhost:8001/',
      [...LANGUAGES, sqlLanguage],
    );
    server.language = 'sql';
    await screen.findByTestId('code-editor');
    const { port, received } = connectRunner((await screen.findByTestId('runner-iframe')) as HTMLIFrameElement);
    const run = screen.getByRole('button', { name: /Run/u });
    await waitFor(() => expect(run).toHaveAttribute('aria-disabled', 'false'));
    await user.click(run);
    await waitFor(() => expect(received.map((m) => m.type)).toEqual(['preload', 'run']));
    expect(received[1]).toMatchObject({ language: 'sql', options: { setup: 'CREATE TABLE t (x);' } });
    port.close();
  });

  it('underlines the compiler diagnostics of our run in the editor', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}`, 'http://localhost:8001/');
    await screen.findByTestId('code-editor');
    const { port, received } = connectRunner((await screen.findByTestId('runner-iframe')) as HTMLIFrameElement);
    const run = screen.getByRole('button', { name: /Run/u });
    await waitFor(() => expect(run).toHaveAttribute('aria-disabled', 'false'));
    await user.click(run);
    await waitFor(() => expect(received.map((m) => m.type)).toEqual(['preload', 'run']));
    const diagnostics = [
      { severity: 'warning', line: 1, column: 5, message: 'unused variable' },
      { severity: 'error', line: 2, column: 1, message: 'expected ;' },
    ];
    port.postMessage({ type: 'finished', nonce: received[1]!.nonce, status: 'error', exitCode: 1, durationMs: 5, diagnostics });
    await waitFor(() => expect(JSON.parse(screen.getByTestId('code-editor').dataset.markers!)).toEqual(diagnostics));
    port.close();
  });

  it('warms up the runtime of the session language as soon as the runner is there', async () => {
    usePrefs.setState({ name: 'Ada' });
    const cppLanguage = { id: 'cpp', name: 'C++', monaco: 'cpp', extension: 'cpp', runnable: true, runtime_bytes: 0 };
    const { server } = setup({ status: 200, body: sessionInfo({ language: 'cpp' }) }, `/s/${SESSION_ID}`, 'http://localhost:8001/', [
      ...LANGUAGES,
      cppLanguage,
    ]);
    server.language = 'cpp';
    await screen.findByTestId('code-editor');
    const { port, received } = connectRunner((await screen.findByTestId('runner-iframe')) as HTMLIFrameElement);
    await waitFor(() => expect(received).toEqual([{ type: 'preload', language: 'cpp' }]));
    port.close();
  });

  it('creates the sandboxed runner iframe for a runnable language', async () => {
    usePrefs.setState({ name: 'Ada' });
    setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}`, 'http://localhost:8001/');
    await screen.findByTestId('code-editor');
    const frame = await screen.findByTestId('runner-iframe');
    expect(frame).toHaveAttribute('sandbox', 'allow-scripts allow-same-origin');
    expect(frame).toHaveAttribute('src', `http://localhost:8001/?app=${encodeURIComponent(window.location.origin)}`);
    expect(screen.getByRole('button', { name: /Run/u })).toHaveAttribute('aria-disabled', 'false');
  });

  it('runs the shared code in the runner and shares the run with the room', async () => {
    usePrefs.setState({ name: 'Ada' });
    const { server, user } = setup({ status: 200, body: sessionInfo() }, `/s/${SESSION_ID}`, 'http://localhost:8001/');
    await screen.findByTestId('code-editor');
    await user.click(screen.getByRole('button', { name: 'stub: type x' }));
    const { port, received } = connectRunner((await screen.findByTestId('runner-iframe')) as HTMLIFrameElement);
    const run = screen.getByRole('button', { name: /Run/u });
    await waitFor(() => expect(run).toHaveAttribute('aria-disabled', 'false'));

    await user.click(run);
    await waitFor(() => expect(received.map((m) => m.type)).toEqual(['preload', 'run']));
    expect(received[1]).toMatchObject({ language: 'javascript', code: 'x', timeoutMs: 10_000 });
    const nonce = received[1]!.nonce;
    port.postMessage({ type: 'started', nonce });
    port.postMessage({ type: 'output', nonce, stream: 'stdout', text: 'hi\n' });
    port.postMessage({ type: 'finished', nonce, status: 'ok', exitCode: 0, durationMs: 5 });
    expect(await screen.findByTestId('run-exit')).toHaveTextContent('Exited with status 0 · 0.01 s');
    expect(screen.getByTestId('output-panel')).toHaveTextContent('hi');
    await waitFor(() =>
      expect([...server.sockets][0]!.sent.filter((e) => e.event === 'execution').map((e) => (e.args[0] as { type: string }).type)).toEqual([
        'started',
        'output',
        'finished',
      ]),
    );
    port.close();
  });
});
