import type { ReactNode } from 'react';
import { Logo } from './Logo';
import { ThemeToggle } from './ThemeToggle';

export interface StatusPageProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}

/** Full-page message for unknown, expired, deleted sessions and errors. */
export function StatusPage({ icon, title, children, actions, testId }: StatusPageProps) {
  return (
    <div className="flex min-h-full flex-col bg-zinc-50 dark:bg-zinc-950">
      <header className="flex h-14 items-center justify-between px-5">
        <Logo />
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-center justify-center px-4 pb-24" data-testid={testId}>
        <div className="w-full max-w-md text-center">
          <div className="mx-auto mb-5 flex h-12 w-12 items-center justify-center rounded-full bg-white text-zinc-600 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-800">
            {icon}
          </div>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-white">{title}</h1>
          <div className="mt-2 text-[15px] leading-relaxed text-zinc-600 dark:text-zinc-400">{children}</div>
          {actions && <div className="mt-7 flex flex-wrap items-center justify-center gap-3">{actions}</div>}
        </div>
      </main>
    </div>
  );
}

export const linkButtonClass =
  'inline-flex h-10 items-center justify-center gap-2 rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500';
