import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Modal } from '../src/components/ui/Modal';
import { PresenceList } from '../src/components/session/PresenceList';
import { StatusLight } from '../src/components/session/StatusLight';
import { OutputPanel } from '../src/components/session/OutputPanel';
import { JoinGate } from '../src/components/session/JoinGate';
import { useSessionStore } from '../src/store/session';
import type { User } from '../src/types/protocol';

const ada: User = { id: 'a', name: 'Ada Lovelace', color: '#e11d48', role: 'interviewer' };
const grace: User = { id: 'g', name: 'Grace Hopper', color: '#16a34a', role: 'candidate' };

describe('Modal', () => {
  it('focuses its first field, traps Tab and closes on Escape', async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(
      <Modal title="Settings" onClose={onClose}>
        <input aria-label="First" data-autofocus />
        <button type="button">Last</button>
      </Modal>,
    );
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.getByLabelText('First')).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Last' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Close dialog' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });
});

describe('PresenceList', () => {
  it('lists people with initials, role and a typing hint', () => {
    act(() => useSessionStore.setState({ self: ada, participants: [grace, ada], typing: ['g'] }));
    render(<PresenceList />);
    const items = screen.getAllByTestId('participant');
    expect(items[0]).toHaveTextContent('Ada Lovelace (you)');
    expect(items[0]).toHaveTextContent('AL');
    expect(items[0]).toHaveTextContent('Interviewer');
    expect(items[1]).toHaveTextContent('GH');
    expect(items[1]).toHaveTextContent('typing');
    act(() => useSessionStore.setState({ typing: [] }));
    expect(items[1]).toHaveTextContent('Candidate');
  });
});

describe('StatusLight', () => {
  it('shows connected, reconnecting and offline with pending edits', () => {
    act(() => useSessionStore.setState({ status: 'connected', pending: 0 }));
    render(<StatusLight />);
    const light = screen.getByRole('status');
    expect(light).toHaveTextContent('Connected');
    act(() => useSessionStore.setState({ status: 'reconnecting', pending: 0 }));
    expect(light).toHaveTextContent('Reconnecting…');
    act(() => useSessionStore.setState({ status: 'reconnecting', pending: 2 }));
    expect(light).toHaveTextContent('Offline · edits pending');
    expect(light).toHaveAccessibleDescription(/2 unsaved edits/u);
  });
});

describe('OutputPanel', () => {
  it('distinguishes stdout, stderr and the exit status, and clears', async () => {
    const user = userEvent.setup();
    act(() =>
      useSessionStore.setState({
        output: [
          { id: 1, kind: 'stdout', text: 'ok\n' },
          { id: 2, kind: 'stderr', text: 'boom\n' },
          { id: 3, kind: 'exit', code: 1, durationMs: 1234 },
        ],
      }),
    );
    render(<OutputPanel reason={null} />);
    expect(screen.getByText('boom')).toHaveAttribute('data-stream', 'stderr');
    expect(screen.getByText(/Exited with status 1 · 1.23 s/u)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(useSessionStore.getState().output).toEqual([]);
  });

  it('says why runs are not available', () => {
    act(() => useSessionStore.setState({ output: [] }));
    render(<OutputPanel reason="C is not runnable in the browser yet." />);
    expect(screen.getByTestId('run-unavailable')).toHaveTextContent('C is not runnable in the browser yet.');
  });
});

describe('JoinGate', () => {
  it('submits the trimmed name and the password', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<JoinGate title="Two sum" needPassword defaultName="" error={null} busy={false} onSubmit={onSubmit} />);
    await user.type(screen.getByRole('textbox', { name: 'Your name' }), '  Ada  ');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Join session' }));
    expect(onSubmit).toHaveBeenCalledWith('Ada', 'pw');
  });
});
