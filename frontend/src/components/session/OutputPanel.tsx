import { useSessionStore, type OutputEntry } from '../../store/session';
import { Button } from '../ui/Button';
import { TerminalIcon } from '../ui/icons';
import { cx } from '../../lib/cx';

function Entry({ entry }: { entry: OutputEntry }) {
  switch (entry.kind) {
    case 'stdout':
      return <span className="text-zinc-800 dark:text-zinc-200">{entry.text}</span>;
    case 'stderr':
      return <span className="text-red-600 dark:text-red-400" data-stream="stderr">{entry.text}</span>;
    case 'info':
      return <span className="text-zinc-500 italic dark:text-zinc-400">{entry.text}</span>;
    case 'exit':
      return (
        <span className={cx('mt-2 block border-t border-zinc-200 pt-2 font-sans text-xs dark:border-zinc-800', entry.code === 0 ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400')}>
          Exited with status {entry.code} · {(entry.durationMs / 1000).toFixed(2)} s
        </span>
      );
  }
}

/** stdout/stderr of runs; explains that execution is not available yet. */
export function OutputPanel({ runnable }: { runnable: boolean }) {
  const output = useSessionStore((s) => s.output);
  const clear = useSessionStore((s) => s.clearOutput);
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
      <div className="min-h-0 flex-1 overflow-auto p-4" data-testid="output-panel" aria-live="polite">
        {output.length > 0 ? (
          <pre className="font-mono text-[13px] leading-relaxed whitespace-pre-wrap">
            {output.map((entry, i) => (
              <Entry key={i} entry={entry} />
            ))}
          </pre>
        ) : runnable ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Press Run (Ctrl/⌘ + Enter) to see the output here.</p>
        ) : (
          <div id="run-unavailable" className="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            <p className="font-medium text-zinc-800 dark:text-zinc-200">Running code is not available yet</p>
            <p className="mt-1 leading-relaxed">
              This Pairpad build cannot execute code. When in-browser execution arrives, stdout, stderr, the exit status
              and the run time will appear here for everyone in the session.
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
