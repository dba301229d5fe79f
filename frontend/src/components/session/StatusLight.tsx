import { connectionLabel, useSessionStore } from '../../store/session';
import { cx } from '../../lib/cx';
import { Tooltip } from '../ui/Tooltip';

const DOT: Record<'ok' | 'busy' | 'warn' | 'bad', string> = {
  ok: 'bg-emerald-500',
  busy: 'bg-zinc-400 animate-pulse',
  warn: 'bg-amber-500 animate-pulse',
  bad: 'bg-red-500',
};

/** The connection light: connected / reconnecting / offline with pending edits. */
export function StatusLight() {
  const status = useSessionStore((s) => s.status);
  const pending = useSessionStore((s) => s.pending);
  const { tone, label, detail } = connectionLabel(status, pending);
  return (
    <Tooltip content={detail}>
      <span
        role="status"
        tabIndex={0}
        data-testid="connection-status"
        data-status={status}
        data-pending={pending}
        className="inline-flex h-7 items-center gap-2 rounded-full bg-zinc-100 px-2.5 text-xs font-medium text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-zinc-800/80 dark:text-zinc-300"
      >
        <span className="relative flex h-2 w-2">
          {tone === 'ok' && <span className="absolute inline-flex h-full w-full rounded-full bg-emerald-400 opacity-60 motion-safe:animate-ping [animation-iteration-count:1]" />}
          <span className={cx('relative inline-flex h-2 w-2 rounded-full', DOT[tone])} />
        </span>
        {label}
      </span>
    </Tooltip>
  );
}
