import { useEffect, useRef } from 'react';
import type { CreatedSession } from '../../types/api';
import { formatDate } from '../../lib/time';
import { Button } from '../ui/Button';
import { CopyField } from '../ui/CopyField';
import { AlertIcon, ExternalIcon, LockIcon } from '../ui/icons';

export interface CreatedSessionViewProps {
  session: CreatedSession;
  onCreateAnother: () => void;
}

export function CreatedSessionView({ session, onCreateAnother }: CreatedSessionViewProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="created-heading" className="space-y-5" data-testid="created-session">
      <div>
        <p className="text-xs font-semibold tracking-wide text-emerald-700 uppercase dark:text-emerald-400">Session created</p>
        <h2 id="created-heading" ref={heading} tabIndex={-1} className="mt-1 text-lg font-semibold text-zinc-900 outline-none dark:text-white">
          {session.title}
        </h2>
        <p className="mt-1 flex items-center gap-1.5 text-sm text-zinc-500 dark:text-zinc-400">
          Expires {formatDate(session.expires_at)}
          {session.has_password && (
            <span className="inline-flex items-center gap-1">
              · <LockIcon size={13} /> password protected
            </span>
          )}
        </p>
      </div>

      <CopyField
        label="Candidate link"
        value={session.join_url}
        description="Send this to the candidate. Anyone with it can join and edit."
        testId="candidate-link"
      />

      <div className="rounded-xl border border-amber-300 bg-amber-50/70 p-4 dark:border-amber-700/60 dark:bg-amber-950/25">
        <div role="note" className="mb-3 flex gap-2.5 text-sm text-amber-900 dark:text-amber-200">
          <AlertIcon className="mt-0.5 shrink-0" />
          <p>
            <strong className="font-semibold">Save your interviewer link now — it is shown only once.</strong> It lets you
            rename, lock, extend or end the session. This browser also keeps it under “Recent sessions”.
          </p>
        </div>
        <CopyField label="Interviewer link (secret)" value={session.interviewer_url} tone="secret" testId="interviewer-link" />
      </div>

      <div className="flex flex-wrap gap-3 pt-1">
        <a
          href={session.interviewer_url}
          className="inline-flex h-10 items-center gap-2 rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
          data-testid="open-interviewer"
        >
          Open as interviewer <ExternalIcon size={15} />
        </a>
        <Button onClick={onCreateAnother}>Create another</Button>
      </div>
    </section>
  );
}
