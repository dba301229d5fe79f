import { useEffect } from 'react';
import { useSessionStore } from '../../store/session';
import { cx } from '../../lib/cx';
import { IconButton } from '../ui/Button';
import { XIcon } from '../ui/icons';

/** A short-lived toast for language changes, refused edits, etc. */
export function Notice() {
  const notice = useSessionStore((s) => s.notice);
  const dismiss = useSessionStore((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice) return undefined;
    const timer = setTimeout(dismiss, notice.tone === 'error' ? 7000 : 4000);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-5 z-40 flex justify-center px-4">
      {notice && (
        <div
          key={notice.id}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          className={cx(
            'pointer-events-auto flex max-w-md items-center gap-3 rounded-lg py-2 pr-2 pl-4 text-sm shadow-lg ring-1',
            notice.tone === 'error'
              ? 'bg-red-600 text-white ring-red-700'
              : 'bg-zinc-900 text-white ring-zinc-800 dark:bg-zinc-100 dark:text-zinc-900 dark:ring-zinc-200',
          )}
        >
          <span>{notice.text}</span>
          <IconButton label="Dismiss" onClick={dismiss} className="!text-current hover:!bg-white/15">
            <XIcon size={14} />
          </IconButton>
        </div>
      )}
    </div>
  );
}
