import { memo, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useSessionStore, type OutputEntry, type RunState } from '../../store/session';
import { activeRuns } from '../../store/runs';
import type { Language } from '../../types/api';
import { STDIN_MAX_BYTES } from '../../services/executor/protocol';
import { Button } from '../ui/Button';
import { TerminalIcon } from '../ui/icons';
import { cx } from '../../lib/cx';

export const PYTHON_NOTE =
  'Only the Python standard library is available (packages such as numpy cannot be installed offline).';
export const NOT_ISOLATED_NOTE =
  'This browser did not isolate the runner: Stop works by restarting the runtime, and input() is unavailable.';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(1);

function nameOf(languages: readonly Language[], id: string): string {
  return languages.find((l) => l.id === id)?.name ?? id;
}

function exitText(entry: Extract<OutputEntry, { kind: 'exit' }>): string {
  switch (entry.status) {
    case 'timeout':
      return `Timed out · ${seconds(entry.durationMs)}`;
    case 'stopped':
      return `Stopped · ${seconds(entry.durationMs)}`;
    case 'truncated':
      return `Stopped: too much output (the limit is 1 MiB or 10,000 lines) · ${seconds(entry.durationMs)}`;
    case 'crashed':
      return 'The runtime failed';
    case 'interrupted':
      return `Interrupted: the person running it left · ${seconds(entry.durationMs)}`;
    default:
      return `Exited with status ${entry.code} · ${seconds(entry.durationMs)}`;
  }
}

const Entry = memo(function Entry({ entry, languages }: { entry: OutputEntry; languages: readonly Language[] }) {
  switch (entry.kind) {
    case 'stdout':
      return <span className="text-zinc-800 dark:text-zinc-200">{entry.text}</span>;
    case 'stderr':
      return (
        <span className="text-red-600 dark:text-red-400" data-stream="stderr">
          {entry.text}
        </span>
      );
    case 'stdin':
      return (
        <span className="text-indigo-600 dark:text-indigo-300" data-stream="stdin">
          {entry.text}
        </span>
      );
    case 'info':
      return <span className="block font-sans text-xs text-zinc-500 italic dark:text-zinc-400">{entry.text}</span>;
    case 'run':
      return (
        <span className="mt-2 block border-b border-zinc-100 pb-1 font-sans text-xs font-medium text-zinc-500 first:mt-0 dark:border-zinc-800 dark:text-zinc-400" data-testid="run-header">
          {entry.local ? 'You ran' : `${entry.name} ran`} {nameOf(languages, entry.language)}
        </span>
      );
    case 'exit': {
      const ok = entry.status === undefined ? entry.code === 0 : entry.status === 'ok' && entry.code === 0;
      return (
        <span
          className={cx('mt-1 mb-2 block font-sans text-xs', ok ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400')}
          data-testid="run-exit"
        >
          {exitText(entry)}
          {entry.error && (
            <span className="block">
              {entry.error.line !== undefined ? `Line ${entry.error.line}: ` : ''}
              {entry.error.message}
            </span>
          )}
        </span>
      );
    }
  }
});

function ProgressBar({ run, language }: { run: RunState; language: Language | undefined }) {
  const name = language?.name ?? run.language;
  const total = run.progress && run.progress.total > 0 ? run.progress.total : (language?.runtime_bytes ?? 0);
  const loaded = run.progress?.loaded ?? 0;
  const known = total > 0 && run.progress !== null;
  const label = known ? `Loading ${name}… ${megabytes(Math.min(loaded, total))} / ${megabytes(total)} MB` : `Loading ${name}…`;
  return (
    <div data-testid="run-progress" className="space-y-1">
      <p className="text-xs text-zinc-600 dark:text-zinc-300">{label}</p>
      <div
        role="progressbar"
        aria-label={`Loading ${name}`}
        aria-valuemin={0}
        aria-valuemax={known ? total : undefined}
        aria-valuenow={known ? Math.min(loaded, total) : undefined}
        className="h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={cx('h-full rounded-full bg-emerald-500', !known && 'w-1/3 animate-pulse')}
          style={known ? { width: `${Math.min(100, (loaded / total) * 100).toFixed(1)}%` } : undefined}
        />
      </div>
    </div>
  );
}

function RunBanner({ run, languages }: { run: RunState; languages: readonly Language[] }) {
  const language = languages.find((l) => l.id === run.language);
  const name = language?.name ?? run.language;
  if (run.local && run.phase === 'loading' && (run.progress || (language?.runtime_bytes ?? 0) > 0)) {
    return <ProgressBar run={run} language={language} />;
  }
  const text = run.local
    ? run.phase === 'input'
      ? `Your program (${name}) is waiting for input…`
      : run.phase === 'loading'
        ? `Starting ${name}…`
        : `You are running ${name}…`
    : `${run.name} is running (${name})…`;
  return (
    <p className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-300" data-run-id={run.id}>
      <span className="h-2 w-2 animate-pulse rounded-full bg-emerald-500" aria-hidden="true" />
      {text}
    </p>
  );
}

function StdinBox({ onSubmit, onEnd }: { onSubmit: (line: string) => void; onEnd?: () => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(value);
    setValue('');
  };
  /** End of input, as Ctrl+D in a terminal: a line still in the box is sent first. */
  const end = () => {
    if (!onEnd) return;
    if (value !== '') onSubmit(value);
    setValue('');
    onEnd();
  };
  return (
    <form onSubmit={submit} className="flex items-center gap-2 border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
      <label htmlFor="stdin-input" className="shrink-0 text-xs font-medium text-zinc-600 dark:text-zinc-300">
        Input
      </label>
      <input
        id="stdin-input"
        data-testid="stdin-input"
        // The program is waiting: typing goes here.
        autoFocus
        autoComplete="off"
        spellCheck={false}
        maxLength={STDIN_MAX_BYTES / 4}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (onEnd && e.ctrlKey && !e.altKey && !e.metaKey && e.key.toLowerCase() === 'd') {
            e.preventDefault();
            end();
          }
        }}
        placeholder={onEnd ? 'Type a line and press Enter (Ctrl+D ends the input)' : 'Type a line and press Enter'}
        className="h-8 min-w-0 flex-1 rounded-md bg-zinc-100 px-2 font-mono text-[13px] text-zinc-900 ring-1 ring-zinc-200 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700"
      />
      <Button size="sm" type="submit" data-testid="stdin-send">
        Send
      </Button>
      {onEnd && (
        <Button size="sm" variant="ghost" type="button" data-testid="stdin-end" onClick={end} title="Send end of input (Ctrl+D): reads that wait for the end of the input return">
          End of input
        </Button>
      )}
    </form>
  );
}

export interface OutputPanelProps {
  /** Why Run is disabled (null: enabled). */
  reason: string | null;
  languages?: readonly Language[];
  /** The session language id (for the Python note). */
  language?: string | null;
  onStdin?: (line: string) => void;
  /** Ends the program's input (the End of input button, Ctrl+D). */
  onStdinEnd?: () => void;
}

/** Output of everyone's runs, who is running, and the program's stdin. */
export function OutputPanel({ reason, languages = [], language = null, onStdin, onStdinEnd }: OutputPanelProps) {
  const output = useSessionStore((s) => s.output);
  const dropped = useSessionStore((s) => s.outputDropped);
  const runs = useSessionStore((s) => s.runs);
  const localRunId = useSessionStore((s) => s.localRunId);
  const runner = useSessionStore((s) => s.runner);
  const clear = useSessionStore((s) => s.clearOutput);
  const active = activeRuns(runs);
  const localRun = active.find((r) => r.id === localRunId);
  const waitingForInput = localRun?.phase === 'input';

  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const node = scroller.current;
    if (node && stick.current) node.scrollTop = node.scrollHeight;
  }, [output]);
  useEffect(() => {
    if (localRunId) stick.current = true;
  }, [localRunId]);

  const showPython = language === 'python' && reason === null;
  return (
    <section aria-labelledby="output-heading" className="flex min-h-0 flex-1 flex-col">
      <div className="flex h-10 items-center justify-between border-b border-zinc-200 px-4 dark:border-zinc-800">
        <h2 id="output-heading" className="flex items-center gap-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          <TerminalIcon size={14} /> Output
        </h2>
        <Button size="sm" variant="ghost" onClick={clear} disabled={output.length === 0}>
          Clear
        </Button>
      </div>
      {(active.length > 0 || showPython || runner.isolated === false || (runner.state === 'failed' && runner.message)) && (
        <div className="space-y-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
          {active.length > 0 && (
            <div data-testid="run-status" role="status" className="space-y-1.5">
              {active.map((run) => (
                <RunBanner key={run.id} run={run} languages={languages} />
              ))}
            </div>
          )}
          {runner.state === 'failed' && runner.message && (
            <p className="text-xs text-red-600 dark:text-red-400" data-testid="runner-error">
              {runner.message}
            </p>
          )}
          {runner.isolated === false && (
            <p className="text-xs text-amber-700 dark:text-amber-400" data-testid="runner-not-isolated">
              {NOT_ISOLATED_NOTE}
            </p>
          )}
          {showPython && (
            <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="python-note">
              {PYTHON_NOTE}
            </p>
          )}
        </div>
      )}
      <div
        ref={scroller}
        onScroll={(e) => {
          const node = e.currentTarget;
          stick.current = node.scrollHeight - node.scrollTop - node.clientHeight < 24;
        }}
        className="min-h-0 flex-1 overflow-auto p-4"
        data-testid="output-panel"
        aria-live="polite"
        aria-busy={active.length > 0}
      >
        {output.length > 0 ? (
          <pre className="font-mono text-[13px] leading-relaxed break-words whitespace-pre-wrap">
            {dropped > 0 && (
              <span className="block font-sans text-xs text-zinc-500 italic dark:text-zinc-400" data-testid="output-dropped">
                Earlier output was removed to keep the page fast.
              </span>
            )}
            {output.map((entry) => (
              <Entry key={entry.id} entry={entry} languages={languages} />
            ))}
          </pre>
        ) : reason === null ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Press Run (Ctrl/⌘ + Enter) to see the output here, for everyone in the session.</p>
        ) : (
          <div id="run-unavailable" data-testid="run-unavailable" className="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            <p className="font-medium text-zinc-800 dark:text-zinc-200">{reason}</p>
            <p className="mt-1 leading-relaxed">
              {runner.state === 'disabled'
                ? 'The operator of this Pairpad server has not enabled the code runner. Your code is saved and shared as you type.'
                : 'JavaScript, TypeScript and Python run in the browser; output, the exit status and the run time appear here for everyone in the session. Your code is saved and shared as you type.'}
            </p>
          </div>
        )}
      </div>
      {waitingForInput && onStdin && <StdinBox onSubmit={onStdin} onEnd={onStdinEnd} />}
    </section>
  );
}
