import { describe, expect, it, vi, beforeEach } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import HomePage from '../src/components/home/HomePage';
import { resetApiCache } from '../src/services/api';
import { useRecent } from '../src/store/recent';
import { LANGUAGES, SESSION_ID, mockFetch, sessionInfo } from './fakes/fetch';

const created = {
  ...sessionInfo({ title: 'Backend pairing' }),
  interviewer_token: 'T'.repeat(43),
  join_url: `http://localhost:8000/s/${SESSION_ID}`,
  interviewer_url: `http://localhost:8000/s/${SESSION_ID}#token=${'T'.repeat(43)}`,
};

beforeEach(() => {
  resetApiCache();
  useRecent.setState({ sessions: [] });
});

describe('home page', () => {
  it('offers the server’s languages', async () => {
    mockFetch({ 'GET /api/languages': { status: 200, body: LANGUAGES } });
    render(<HomePage />);
    const select = screen.getByRole('combobox', { name: 'Language' });
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(3));
  });

  it('creates a session with the chosen fields', async () => {
    const { calls } = mockFetch({
      'GET /api/languages': { status: 200, body: LANGUAGES },
      'POST /api/sessions': { status: 201, body: created },
    });
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: /Title/u }), 'Backend pairing');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Go' })).toBeInTheDocument());
    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), 'go');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Lifetime' }), '3600');
    await user.type(screen.getByLabelText(/^Password/u), 'hunter2');
    await user.click(screen.getByRole('button', { name: 'Create session' }));

    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ title: 'Backend pairing', language: 'go', ttl_seconds: 3600, password: 'hunter2' });
    expect(post.headers['Content-Type']).toBe('application/json');
  });

  it('shows both links once, warns about the interviewer link and remembers it', async () => {
    mockFetch({
      'GET /api/languages': { status: 200, body: LANGUAGES },
      'POST /api/sessions': { status: 201, body: created },
    });
    const user = userEvent.setup();
    render(<HomePage />);
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    expect(await screen.findByRole('textbox', { name: 'Candidate link' })).toHaveValue(created.join_url);
    expect(screen.getByRole('textbox', { name: 'Interviewer link (secret)' })).toHaveValue(created.interviewer_url);
    expect(screen.getByRole('note')).toHaveTextContent('it is shown only once');
    expect(useRecent.getState().sessions[0]).toMatchObject({ id: SESSION_ID, interviewer_url: created.interviewer_url });
    const recent = screen.getByTestId('recent-sessions');
    expect(within(recent).getByRole('link', { name: /Backend pairing/u })).toHaveAttribute('href', created.interviewer_url);
  });

  it('copies a link to the clipboard', async () => {
    mockFetch({
      'GET /api/languages': { status: 200, body: LANGUAGES },
      'POST /api/sessions': { status: 201, body: created },
    });
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    Object.defineProperty(window, 'isSecureContext', { value: true, configurable: true });
    render(<HomePage />);
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    await user.click(await screen.findByRole('button', { name: 'Copy candidate link' }));
    expect(writeText).toHaveBeenCalledWith(created.join_url);
    expect(await screen.findByText('Candidate link copied to the clipboard')).toBeInTheDocument();
  });

  it('shows the field the server rejected', async () => {
    mockFetch({
      'GET /api/languages': { status: 200, body: LANGUAGES },
      'POST /api/sessions': {
        status: 422,
        body: { error: { code: 'invalid_field', message: 'title has a control character', field: 'title' } },
      },
    });
    const user = userEvent.setup();
    render(<HomePage />);
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('title has a control character');
    expect(screen.getByRole('textbox', { name: /Title/u })).toHaveAttribute('aria-invalid', 'true');
  });

  it('lets a recent session be forgotten', async () => {
    mockFetch({ 'GET /api/languages': { status: 200, body: LANGUAGES } });
    useRecent.getState().add(created);
    const user = userEvent.setup();
    render(<HomePage />);
    await user.click(screen.getByRole('button', { name: 'Forget Backend pairing' }));
    expect(useRecent.getState().sessions).toEqual([]);
    expect(screen.getByText(/will be listed with their interviewer links/u)).toBeInTheDocument();
  });
});
