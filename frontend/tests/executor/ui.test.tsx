import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Toolbar } from '../../src/components/session/Toolbar';
import { NOT_ISOLATED_NOTE, OutputPanel, PYTHON_NOTE } from '../../src/components/session/OutputPanel';
import { runUnavailableReason } from '../../src/hooks/useExecution';
import { useSessionStore, type RunAction, type RunnerStatus } from '../../src/store/session';
import { LANGUAGES } from '../fakes/fetch';

function toolbar(props: { runReason?: string | null; running?: boolean } = {}) {
  const onRun = vi.fn();
  const onStop = vi.fn();
  render(
    <Toolbar
      languages={LANGUAGES}
      language="python"
      onLanguageChange={() => {}}
      languageDisabled={false}
      runReason={props.runReason ?? null}
      running={props.running ?? false}
      onRun={onRun}
      onStop={onStop}
    />,
  );
  return { onRun, onStop, run: screen.getByTestId('run-button'), stop: screen.getByTestId('stop-button') };
}

function runs(...actions: RunAction[]) {
  act(() => {
    for (const action of actions) useSessionStore.getState().dispatchRun(action);
    useSessionStore.getState().flushRuns();
  });
}

const startLocal: RunAction = { type: 'start', runId: 'L', local: true, by: 'a', name: 'Ada', language: 'python', at: 1 };

beforeEach(() => useSessionStore.getState().reset());

describe('runUnavailableReason', () => {
  const ready: RunnerStatus = { state: 'ready', isolated: true, message: null };
  const reason = (id: string, name: string) => runUnavailableReason(ready, { id, name }, false);

  it.each([
    ['csharp', 'C#', /^C# cannot run in the browser yet: no maintained C# compiler for the browser is available offline/u],
    ['java', 'Java', /^Java cannot run in the browser yet: no in-browser Java compiler is available offline/u],
    ['kotlin', 'Kotlin', /^Kotlin cannot run in the browser: the Kotlin compiler needs a JVM and has no browser build/u],
  ])('gives the specific reason for %s, pointing to the decision record', (id, name, text) => {
    expect(reason(id, name)).toMatch(text);
    expect(reason(id, name)).toContain('(see docs/decisions/csharp-java-kotlin.md).');
  });

  it('says plainly that another language is not runnable yet', () => {
    expect(reason('rust', 'Rust')).toBe('Rust is not runnable in the browser yet.');
  });

  it('puts a server without execution before the language', () => {
    expect(runUnavailableReason({ state: 'disabled', isolated: null, message: null }, { id: 'kotlin', name: 'Kotlin' }, false)).toBe(
      'Running code is turned off on this server.',
    );
  });
});

describe('Toolbar', () => {
  it('enables Run when the language is runnable', async () => {
    const { run, onRun } = toolbar();
    expect(run).toHaveAttribute('aria-disabled', 'false');
    await userEvent.setup().click(run);
    expect(onRun).toHaveBeenCalledTimes(1);
  });

  it('describes a disabled Run with the plain reason', () => {
    const { run } = toolbar({ runReason: 'C is not runnable in the browser yet.' });
    expect(run).toHaveAttribute('aria-disabled', 'true');
    expect(run).toHaveAccessibleDescription('C is not runnable in the browser yet.');
  });

  it('disables Stop while nothing runs', () => {
    const { stop } = toolbar();
    expect(stop).toBeDisabled();
  });

  it('enables Stop and holds Run while our program runs', async () => {
    const { run, stop, onStop } = toolbar({ running: true });
    expect(run).toHaveAttribute('aria-disabled', 'true');
    expect(stop).toBeEnabled();
    await userEvent.setup().click(stop);
    expect(onStop).toHaveBeenCalledTimes(1);
  });
});

describe('OutputPanel while running', () => {
  it('shows the runtime download as a progress bar', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" />);
    runs(startLocal, { type: 'progress', runId: 'L', loaded: 3_100_000, total: 6_300_000 });
    expect(screen.getByTestId('run-progress')).toHaveTextContent('Loading Python… 3.1 / 6.3 MB');
    expect(screen.getByRole('progressbar', { name: 'Loading Python' })).toHaveAttribute('aria-valuenow', '3100000');
  });

  it('estimates the download from runtime_bytes before progress arrives', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" />);
    runs(startLocal);
    expect(screen.getByTestId('run-progress')).toHaveTextContent('Loading Python…');
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
  });

  it('tells everyone who is running what', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="javascript" />);
    runs({ type: 'start', runId: 'R', local: false, by: 'g', name: 'Grace', language: 'javascript', at: 1 });
    expect(screen.getByTestId('run-status')).toHaveTextContent('Grace is running (JavaScript)…');
  });

  it('removes the banner when the run finishes', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="javascript" />);
    runs(
      { type: 'start', runId: 'R', local: false, by: 'g', name: 'Grace', language: 'javascript', at: 1 },
      { type: 'finish', runId: 'R', from: 'g', at: 2, result: { status: 'timeout', exitCode: -1, durationMs: 10_000 } },
    );
    expect(screen.queryByTestId('run-status')).not.toBeInTheDocument();
    expect(screen.getByTestId('run-exit')).toHaveTextContent('Timed out · 10.00 s');
  });

  it('streams output with the exit status and duration', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" />);
    runs(
      startLocal,
      { type: 'executing', runId: 'L' },
      { type: 'output', runId: 'L', stream: 'stdout', text: 'hello\n' },
      { type: 'finish', runId: 'L', at: 2, result: { status: 'ok', exitCode: 0, durationMs: 250 } },
    );
    expect(screen.getByTestId('output-panel')).toHaveTextContent('You ran Pythonhello');
    expect(screen.getByTestId('run-exit')).toHaveTextContent('Exited with status 0 · 0.25 s');
  });

  it('shows the error line with the message', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" />);
    runs(startLocal, {
      type: 'finish',
      runId: 'L',
      at: 2,
      result: { status: 'error', exitCode: 1, durationMs: 10, error: { message: "NameError: name 'x' is not defined", line: 3 } },
    });
    expect(screen.getByTestId('run-exit')).toHaveTextContent("Exited with status 1 · 0.01 sLine 3: NameError: name 'x' is not defined");
  });
});

describe('OutputPanel stdin', () => {
  it('offers an input box when our program waits for input, and sends the line', async () => {
    const onStdin = vi.fn();
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" onStdin={onStdin} />);
    runs(startLocal, { type: 'executing', runId: 'L' }, { type: 'stdin_request', runId: 'L' });
    const input = screen.getByTestId('stdin-input');
    expect(input).toHaveFocus();
    await userEvent.setup().type(input, '42{Enter}');
    expect(onStdin).toHaveBeenCalledWith('42');
    expect(input).toHaveValue('');
  });

  it('ends the input with the End of input button', async () => {
    const onStdin = vi.fn();
    const onStdinEnd = vi.fn();
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" onStdin={onStdin} onStdinEnd={onStdinEnd} />);
    runs(startLocal, { type: 'executing', runId: 'L' }, { type: 'stdin_request', runId: 'L' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'End of input' }));
    expect(onStdinEnd).toHaveBeenCalledTimes(1);
    expect(onStdin).not.toHaveBeenCalled();
  });

  it('ends the input with Ctrl+D, sending a line still in the box first', async () => {
    const calls: string[] = [];
    render(
      <OutputPanel
        reason={null}
        languages={LANGUAGES}
        language="python"
        onStdin={(line) => calls.push(`line ${line}`)}
        onStdinEnd={() => calls.push('end')}
      />,
    );
    runs(startLocal, { type: 'executing', runId: 'L' }, { type: 'stdin_request', runId: 'L' });
    const input = screen.getByTestId('stdin-input');
    await userEvent.setup().type(input, '7{Control>}d{/Control}');
    expect(calls).toEqual(['line 7', 'end']);
    expect(input).toHaveValue('');
  });

  it('has no input box while the program does not read', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" onStdin={() => {}} />);
    runs(startLocal, { type: 'executing', runId: 'L' });
    expect(screen.queryByTestId('stdin-input')).not.toBeInTheDocument();
  });

  it('shows the typed input of others as output, without an input box', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" onStdin={() => {}} />);
    runs(
      { type: 'start', runId: 'R', local: false, by: 'g', name: 'Grace', language: 'python', at: 1 },
      { type: 'output', runId: 'R', stream: 'stdin', text: '42\n', from: 'g' },
    );
    expect(screen.getByText('42')).toHaveAttribute('data-stream', 'stdin');
    expect(screen.queryByTestId('stdin-input')).not.toBeInTheDocument();
  });
});

describe('OutputPanel notes', () => {
  it('says that only the Python standard library is available', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="python" />);
    expect(screen.getByTestId('python-note')).toHaveTextContent(PYTHON_NOTE);
  });

  it('has no Python note for JavaScript', () => {
    render(<OutputPanel reason={null} languages={LANGUAGES} language="javascript" />);
    expect(screen.queryByTestId('python-note')).not.toBeInTheDocument();
  });

  it('warns when the runner is not cross-origin isolated', () => {
    act(() => useSessionStore.getState().setRunner({ state: 'ready', isolated: false, message: null }));
    render(<OutputPanel reason={null} languages={LANGUAGES} language="javascript" />);
    expect(screen.getByTestId('runner-not-isolated')).toHaveTextContent(NOT_ISOLATED_NOTE);
  });

  it('has no isolation warning when the runner is isolated', () => {
    act(() => useSessionStore.getState().setRunner({ state: 'ready', isolated: true, message: null }));
    render(<OutputPanel reason={null} languages={LANGUAGES} language="javascript" />);
    expect(screen.queryByTestId('runner-not-isolated')).not.toBeInTheDocument();
  });
});
