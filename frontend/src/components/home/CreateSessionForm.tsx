import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../../services/api';
import type { CreatedSession, CreateSessionRequest } from '../../types/api';
import { useLanguages } from '../../hooks/useLanguages';
import { DEFAULT_TTL_SECONDS, LIFETIMES } from '../../lib/time';
import { Button, IconButton } from '../ui/Button';
import { SelectField, TextField } from '../ui/Field';
import { EyeIcon, EyeOffIcon } from '../ui/icons';

export interface CreateSessionFormProps {
  onCreated: (session: CreatedSession) => void;
}

export function CreateSessionForm({ onCreated }: CreateSessionFormProps) {
  const { languages, error: languagesError } = useLanguages();
  const [title, setTitle] = useState('');
  const [language, setLanguage] = useState('javascript');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [ttl, setTtl] = useState(DEFAULT_TTL_SECONDS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    const body: CreateSessionRequest = { language, ttl_seconds: ttl };
    if (title.trim()) body.title = title.trim();
    if (password) body.password = password;
    try {
      onCreated(await api.createSession(body));
    } catch (cause) {
      if (cause instanceof ApiError && cause.field) {
        setFieldErrors({ [cause.field]: cause.message });
      } else if (cause instanceof ApiError && cause.status === 429) {
        setError(`Too many sessions created from this address. Try again in ${cause.retryAfter ?? 60} seconds.`);
      } else {
        setError(cause instanceof Error ? cause.message : 'Could not create the session.');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-5" aria-labelledby="create-heading" noValidate>
      <TextField
        label="Title"
        optional
        placeholder="e.g. Backend engineer — live coding"
        value={title}
        maxLength={200}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldErrors.title}
        autoComplete="off"
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <SelectField
          label="Language"
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          error={fieldErrors.language ?? (languagesError ? 'Could not load the server’s languages.' : null)}
          data-testid="create-language"
        >
          {languages.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Lifetime"
          value={String(ttl)}
          onChange={(e) => setTtl(Number(e.target.value))}
          error={fieldErrors.ttl_seconds}
        >
          {LIFETIMES.map((l) => (
            <option key={l.seconds} value={l.seconds}>
              {l.label}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label="Password"
        optional
        type={showPassword ? 'text' : 'password'}
        value={password}
        maxLength={128}
        onChange={(e) => setPassword(e.target.value)}
        hint="Candidates will need it to join. Leave empty for link-only access."
        error={fieldErrors.password}
        autoComplete="new-password"
        trailing={
          <IconButton
            label={showPassword ? 'Hide password' : 'Show password'}
            onClick={() => setShowPassword((v) => !v)}
          >
            {showPassword ? <EyeOffIcon /> : <EyeIcon />}
          </IconButton>
        }
      />
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300">
          {error}
        </p>
      )}
      <Button type="submit" variant="primary" className="w-full" disabled={busy}>
        {busy ? 'Creating…' : 'Create session'}
      </Button>
    </form>
  );
}
