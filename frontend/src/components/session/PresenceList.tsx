import { useSessionStore } from '../../store/session';
import { Avatar } from '../ui/Avatar';
import type { User } from '../../types/protocol';

function RoleLabel({ role }: { role: User['role'] }) {
  return role === 'interviewer' ? (
    <span className="text-xs font-medium text-indigo-700 dark:text-indigo-300">Interviewer</span>
  ) : (
    <span className="text-xs text-zinc-500 dark:text-zinc-400">Candidate</span>
  );
}

function TypingDots() {
  return (
    <span className="inline-flex items-center gap-1 text-xs text-zinc-500 dark:text-zinc-400">
      <span className="inline-flex gap-0.5" aria-hidden="true">
        <span className="h-1 w-1 rounded-full bg-current motion-safe:animate-bounce" />
        <span className="h-1 w-1 rounded-full bg-current motion-safe:animate-bounce [animation-delay:120ms]" />
        <span className="h-1 w-1 rounded-full bg-current motion-safe:animate-bounce [animation-delay:240ms]" />
      </span>
      typing
    </span>
  );
}

/** Participants with initials avatars, role and a "typing" hint. */
export function PresenceList() {
  const participants = useSessionStore((s) => s.participants);
  const self = useSessionStore((s) => s.self);
  const typing = useSessionStore((s) => s.typing);
  const sorted = [...participants].sort((a, b) => (a.id === self?.id ? -1 : b.id === self?.id ? 1 : 0));
  return (
    <section aria-labelledby="people-heading" className="px-4 py-3">
      <h2 id="people-heading" className="mb-2 flex items-center justify-between text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        In this session
        <span className="rounded-full bg-zinc-100 px-1.5 py-0.5 text-[11px] text-zinc-600 tabular-nums dark:bg-zinc-800 dark:text-zinc-300">
          {participants.length}
        </span>
      </h2>
      <ul className="space-y-1" data-testid="presence-list">
        {sorted.map((p) => {
          const isSelf = p.id === self?.id;
          const isTyping = !isSelf && typing.includes(p.id);
          return (
            <li key={p.id} className="flex items-center gap-3 rounded-lg px-1.5 py-1.5" data-testid="participant" data-user-id={p.id}>
              <Avatar name={p.name} color={p.color} size="sm" />
              <div className="min-w-0 flex-1 leading-tight">
                <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">
                  {p.name}
                  {isSelf && <span className="font-normal text-zinc-500 dark:text-zinc-400"> (you)</span>}
                </p>
                <div className="mt-0.5 flex h-4 items-center">{isTyping ? <TypingDots /> : <RoleLabel role={p.role} />}</div>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Overlapping avatars for the header. */
export function AvatarStack({ max = 4 }: { max?: number }) {
  const participants = useSessionStore((s) => s.participants);
  const shown = participants.slice(0, max);
  const extra = participants.length - shown.length;
  return (
    <div className="flex items-center -space-x-1" aria-label={`${participants.length} in this session: ${participants.map((p) => p.name).join(', ')}`} role="img">
      {shown.map((p) => (
        <Avatar key={p.id} name={p.name} color={p.color} size="sm" ring />
      ))}
      {extra > 0 && (
        <span className="inline-flex h-7 w-7 items-center justify-center rounded-full bg-zinc-200 text-[11px] font-semibold text-zinc-700 ring-2 ring-white dark:bg-zinc-700 dark:text-zinc-200 dark:ring-zinc-900">
          +{extra}
        </span>
      )}
    </div>
  );
}
