import { useRecent } from '../../store/recent';
import { useCopy } from '../../hooks/useCopy';
import { formatDate, formatRemaining } from '../../lib/time';
import { languageName } from '../../hooks/useLanguages';
import type { Language } from '../../types/api';
import { IconButton } from '../ui/Button';
import { CheckIcon, ClockIcon, LinkIcon, LockIcon, TrashIcon } from '../ui/icons';
import { cx } from '../../lib/cx';
import { useNow } from '../../hooks/useNow';

export function RecentSessions({ languages }: { languages: Language[] }) {
  const now = useNow();
  const sessions = useRecent((s) => s.sessions);
  const remove = useRecent((s) => s.remove);
  const { copied, copy } = useCopy();

  return (
    <section aria-labelledby="recent-heading" className="mt-14">
      <div className="mb-3 flex items-baseline justify-between">
        <h2 id="recent-heading" className="text-sm font-semibold text-zinc-900 dark:text-white">
          Recent sessions
        </h2>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">Stored only in this browser</p>
      </div>
      {sessions.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          Sessions you create here will be listed with their interviewer links.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800" data-testid="recent-sessions">
          {sessions.map((s) => {
            const expired = Date.parse(s.expires_at) <= now;
            return (
              <li key={s.id} className="flex items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <a
                    href={s.interviewer_url}
                    className={cx(
                      'block truncate text-sm font-medium hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500',
                      expired ? 'text-zinc-500 dark:text-zinc-500' : 'text-zinc-900 dark:text-zinc-100',
                    )}
                  >
                    {s.title}
                    <span className="sr-only"> (open as interviewer)</span>
                  </a>
                  <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
                    <span>{languageName(languages, s.language)}</span>
                    <span aria-hidden="true">·</span>
                    <span>{formatDate(s.created_at)}</span>
                    <span aria-hidden="true">·</span>
                    <span className={cx('inline-flex items-center gap-1', expired && 'text-red-600 dark:text-red-400')}>
                      <ClockIcon size={12} />
                      {expired ? 'expired' : `expires ${formatRemaining(s.expires_at, now)}`}
                    </span>
                    {s.has_password && (
                      <span className="inline-flex items-center gap-1">
                        <LockIcon size={12} /> password
                      </span>
                    )}
                  </p>
                </div>
                <IconButton
                  label={copied === s.id ? 'Candidate link copied' : `Copy candidate link of ${s.title}`}
                  onClick={() => void copy(s.id, s.join_url)}
                >
                  {copied === s.id ? <CheckIcon /> : <LinkIcon />}
                </IconButton>
                <IconButton label={`Forget ${s.title}`} onClick={() => remove(s.id)}>
                  <TrashIcon />
                </IconButton>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
