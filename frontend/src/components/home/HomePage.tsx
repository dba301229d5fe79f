import { useState } from 'react';
import type { CreatedSession } from '../../types/api';
import { useRecent } from '../../store/recent';
import { useLanguages } from '../../hooks/useLanguages';
import { Logo } from '../ui/Logo';
import { ThemeToggle } from '../ui/ThemeToggle';
import { CreateSessionForm } from './CreateSessionForm';
import { CreatedSessionView } from './CreatedSessionView';
import { RecentSessions } from './RecentSessions';

const FEATURES = [
  ['Live together', 'Every keystroke merges instantly; see names, cursors and selections.'],
  ['Your server', 'One small binary with SQLite built in. Nothing leaves your network.'],
  ['Keyboard first', 'Monaco editor with syntax highlighting for 14 languages.'],
] as const;

export default function HomePage() {
  const [created, setCreated] = useState<CreatedSession | null>(null);
  const addRecent = useRecent((s) => s.add);
  const { languages } = useLanguages();

  const onCreated = (session: CreatedSession) => {
    addRecent(session);
    setCreated(session);
  };

  return (
    <div className="min-h-full bg-zinc-50 dark:bg-zinc-950">
      <header className="mx-auto flex h-16 max-w-6xl items-center justify-between px-5">
        <Logo />
        <ThemeToggle />
      </header>
      <main className="mx-auto grid max-w-6xl gap-12 px-5 pt-8 pb-20 lg:grid-cols-[1fr_480px] lg:gap-16 lg:pt-16">
        <div className="lg:pt-6">
          <h1 className="text-4xl font-semibold tracking-tight text-balance text-zinc-900 sm:text-5xl dark:text-white">
            Coding interviews, <span className="text-indigo-600 dark:text-indigo-400">together</span>.
          </h1>
          <p className="mt-5 max-w-xl text-lg leading-relaxed text-zinc-600 dark:text-zinc-400">
            Create a session, share the link, and write code with your candidate in one live editor — on a server you
            run yourself.
          </p>
          <ul className="mt-10 grid max-w-xl gap-5">
            {FEATURES.map(([title, text]) => (
              <li key={title} className="flex gap-3">
                <span aria-hidden="true" className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-500" />
                <div>
                  <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</p>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">{text}</p>
                </div>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <div className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 sm:p-7 dark:bg-zinc-900 dark:ring-zinc-800">
            {created ? (
              <CreatedSessionView session={created} onCreateAnother={() => setCreated(null)} />
            ) : (
              <>
                <h2 id="create-heading" className="mb-5 text-lg font-semibold text-zinc-900 dark:text-white">
                  New interview session
                </h2>
                <CreateSessionForm onCreated={onCreated} />
              </>
            )}
          </div>
          <RecentSessions languages={languages} />
        </div>
      </main>
    </div>
  );
}
