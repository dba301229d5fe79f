import { useState, type FormEvent } from 'react';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { Logo } from '../ui/Logo';
import { ThemeToggle } from '../ui/ThemeToggle';
import { LockIcon } from '../ui/icons';

export const NAME_MAX = 64;

export interface JoinGateProps {
  title: string | null;
  needPassword: boolean;
  defaultName: string;
  error: string | null;
  busy: boolean;
  onSubmit: (name: string, password: string) => void;
}

/** Asks for a display name (remembered) and, when required, the password. */
export function JoinGate({ title, needPassword, defaultName, error, busy, onSubmit }: JoinGateProps) {
  const [name, setName] = useState(defaultName);
  const [password, setPassword] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError('Enter the name others will see.');
      return;
    }
    setNameError(null);
    onSubmit(trimmed, password);
  };

  return (
    <div className="flex min-h-full flex-col bg-zinc-50 dark:bg-zinc-950">
      <header className="flex h-14 items-center justify-between px-5">
        <Logo />
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-[12vh]">
        <form
          onSubmit={submit}
          noValidate
          aria-labelledby="join-heading"
          className="w-full max-w-sm rounded-2xl bg-white p-7 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
          data-testid="join-gate"
        >
          <p className="text-xs font-semibold tracking-wide text-indigo-600 uppercase dark:text-indigo-400">Join session</p>
          <h1 id="join-heading" className="mt-1 text-lg font-semibold text-zinc-900 dark:text-white">
            {title ?? 'Coding interview'}
          </h1>
          {needPassword && (
            <p className="mt-2 flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
              <LockIcon size={14} /> This session is protected by a password.
            </p>
          )}
          <div className="mt-6 space-y-4">
            <TextField
              label="Your name"
              value={name}
              maxLength={NAME_MAX}
              autoComplete="name"
              autoFocus
              onChange={(e) => setName(e.target.value)}
              hint="Shown to everyone next to your cursor."
              error={nameError}
            />
            {needPassword && (
              <TextField
                label="Password"
                type="password"
                value={password}
                autoComplete="current-password"
                autoFocus={Boolean(defaultName)}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
            {error && (
              <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300">
                {error}
              </p>
            )}
            <Button type="submit" variant="primary" className="w-full" disabled={busy}>
              {busy ? 'Joining…' : 'Join session'}
            </Button>
          </div>
        </form>
      </main>
    </div>
  );
}
