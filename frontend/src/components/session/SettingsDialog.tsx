import { useId, useState, type FormEvent } from 'react';
import { ApiError, api } from '../../services/api';
import { RUN_SETTINGS_LIMITS, type Language, type RunSettings, type SessionInfo } from '../../types/api';
import { formatDate, formatRemaining, LIFETIMES, MAX_TTL_SECONDS } from '../../lib/time';
import { useRecent } from '../../store/recent';
import { Modal } from '../ui/Modal';
import { Button } from '../ui/Button';
import { SelectField, TextAreaField, TextField } from '../ui/Field';
import { RUN_TIMEOUT_MAX_S, RUN_TIMEOUT_MIN_S } from '../../services/executor/protocol';

export interface SettingsDialogProps {
  sessionId: string;
  token: string;
  title: string;
  language: string;
  expiresAt: string | null;
  hasPassword: boolean;
  /** Time limit of one run, in seconds. */
  runTimeoutSeconds: number;
  /** Compiler flags and SQL setup of runs. */
  runSettings: RunSettings;
  languages: Language[];
  onClose: () => void;
  onUpdated: (session: SessionInfo) => void;
}

/** The runtimes' flags when the session sets none (frontend/runner/src/clang.ts). */
const DEFAULT_C_FLAGS = '-O1 -std=c17 -Wall -Wextra';
const DEFAULT_CPP_FLAGS = '-O1 -std=c++20 -Wall -Wextra -fno-exceptions';

const utf8 = new TextEncoder();

/** C0 and C1 control characters (the server refuses them in flags). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function flagsError(value: string): string | undefined {
  if (hasControl(value)) return 'Flags go on one line.';
  if ([...value].length > RUN_SETTINGS_LIMITS.flagsChars) return `At most ${RUN_SETTINGS_LIMITS.flagsChars} characters.`;
  return undefined;
}

function sqlSetupError(value: string): string | undefined {
  if (value.includes('\u0000')) return 'The setup cannot contain a NUL character.';
  if (utf8.encode(value).length > RUN_SETTINGS_LIMITS.sqlSetupBytes) return `At most ${RUN_SETTINGS_LIMITS.sqlSetupBytes / 1024} KiB.`;
  return undefined;
}

/** The `run_settings` to save: trimmed flags, blank fields left out. */
interface FlagsFieldProps {
  label: string;
  value: string;
  /** Shown as the placeholder: what an empty field means. */
  defaults: string;
  onChange: (value: string) => void;
  error: string | undefined;
  testId: string;
}

/** A compiler-flags input: monospace, no spelling or autofill help. */
function FlagsField({ label, value, defaults, onChange, error, testId }: FlagsFieldProps) {
  return (
    <TextField
      label={label}
      value={value}
      placeholder={defaults}
      spellCheck={false}
      autoComplete="off"
      className="font-mono"
      onChange={(e) => onChange(e.target.value)}
      error={error}
      data-testid={testId}
    />
  );
}

export function runSettingsBody(cFlags: string, cppFlags: string, sqlSetup: string): RunSettings {
  const body: RunSettings = {};
  if (cFlags.trim() !== '') body.c_flags = cFlags.trim();
  if (cppFlags.trim() !== '') body.cpp_flags = cppFlags.trim();
  if (sqlSetup.trim() !== '') body.sql_setup = sqlSetup;
  return body;
}

const sameRunSettings = (a: RunSettings, b: RunSettings) =>
  a.c_flags === b.c_flags && a.cpp_flags === b.cpp_flags && a.sql_setup === b.sql_setup;

function errorText(cause: unknown): string {
  if (cause instanceof ApiError) {
    if (cause.code === 'invalid_token' || cause.code === 'token_required')
      return 'This link does not carry a valid interviewer token.';
    return cause.message;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/** Interviewer-only controls, through PATCH/DELETE /api/sessions/{id}. */
export function SettingsDialog(props: SettingsDialogProps) {
  const { sessionId, token, languages, onClose, onUpdated } = props;
  const [title, setTitle] = useState(props.title);
  const [language, setLanguage] = useState(props.language);
  const [password, setPassword] = useState('');
  const [extendBy, setExtendBy] = useState(LIFETIMES[0]!.seconds);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [runTimeout, setRunTimeout] = useState(String(props.runTimeoutSeconds));
  const runTimeoutValue = Number(runTimeout);
  const runTimeoutValid =
    runTimeout.trim() !== '' && Number.isInteger(runTimeoutValue) && runTimeoutValue >= RUN_TIMEOUT_MIN_S && runTimeoutValue <= RUN_TIMEOUT_MAX_S;
  const [cFlags, setCFlags] = useState(props.runSettings.c_flags ?? '');
  const [cppFlags, setCppFlags] = useState(props.runSettings.cpp_flags ?? '');
  const [sqlSetup, setSqlSetup] = useState(props.runSettings.sql_setup ?? '');
  const cFlagsError = flagsError(cFlags);
  const cppFlagsError = flagsError(cppFlags);
  const sqlError = sqlSetupError(sqlSetup);
  const runSettings = runSettingsBody(cFlags, cppFlags, sqlSetup);
  const runSettingsValid = !cFlagsError && !cppFlagsError && !sqlError;
  const saved = props.runSettings;
  const runSettingsChanged = !sameRunSettings(runSettings, runSettingsBody(saved.c_flags ?? '', saved.cpp_flags ?? '', saved.sql_setup ?? ''));
  const codeRunsId = useId();
  const updateRecent = useRecent((s) => s.update);

  const patch = async (key: string, body: Parameters<typeof api.updateSession>[2], done: string) => {
    setBusy(key);
    setMessage(null);
    try {
      const session = await api.updateSession(sessionId, token, body);
      onUpdated(session);
      updateRecent(sessionId, {
        title: session.title,
        language: session.language,
        expires_at: session.expires_at,
        has_password: session.has_password,
      });
      setMessage({ tone: 'ok', text: done });
      return true;
    } catch (cause) {
      setMessage({ tone: 'error', text: errorText(cause) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const extendedTtl = () => {
    const remaining = props.expiresAt ? Math.max(0, Math.floor((Date.parse(props.expiresAt) - Date.now()) / 1000)) : 0;
    return Math.min(MAX_TTL_SECONDS, Math.max(60, remaining + extendBy));
  };

  const endSession = async () => {
    setBusy('end');
    setMessage(null);
    try {
      await api.deleteSession(sessionId, token);
      // The server now closes every connection with `session_deleted`.
    } catch (cause) {
      setMessage({ tone: 'error', text: errorText(cause) });
      setBusy(null);
    }
  };

  const onRename = (e: FormEvent) => {
    e.preventDefault();
    void patch('title', { title: title.trim() }, 'Title saved.');
  };

  return (
    <Modal title="Session settings" description="Only you, the interviewer, can see these controls." onClose={onClose}>
      <div className="space-y-6">
        <form onSubmit={onRename} className="flex items-end gap-2">
          <div className="flex-1">
            <TextField label="Title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} data-autofocus />
          </div>
          <Button type="submit" disabled={busy !== null || title.trim() === props.title}>
            {busy === 'title' ? 'Saving…' : 'Rename'}
          </Button>
        </form>

        <form
          onSubmit={(e) => {
            e.preventDefault();
            void patch('language', { language }, 'Language changed for everyone.');
          }}
          className="flex items-end gap-2"
        >
          <div className="flex-1">
            <SelectField label="Language" value={language} onChange={(e) => setLanguage(e.target.value)}>
              {languages.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </SelectField>
          </div>
          <Button type="submit" disabled={busy !== null || language === props.language}>
            Apply
          </Button>
        </form>

        <form
          onSubmit={(e) => {
            e.preventDefault();
            void patch('password', { password }, props.hasPassword ? 'Password changed.' : 'Password set.').then((ok) => {
              if (ok) setPassword('');
            });
          }}
          className="space-y-2"
        >
          <div className="flex items-end gap-2">
            <div className="flex-1">
              <TextField
                label={props.hasPassword ? 'Change password' : 'Set a password'}
                type="password"
                value={password}
                maxLength={128}
                autoComplete="new-password"
                onChange={(e) => setPassword(e.target.value)}
                hint={props.hasPassword ? 'This session is password protected.' : 'This session is open to anyone with the link.'}
              />
            </div>
            <Button type="submit" disabled={busy !== null || password.length === 0} className="mb-[26px]">
              Save
            </Button>
          </div>
          {props.hasPassword && (
            <Button size="sm" variant="ghost" disabled={busy !== null} onClick={() => void patch('nopassword', { password: null }, 'Password removed.')}>
              Remove password
            </Button>
          )}
        </form>

        <form
          onSubmit={(e) => {
            e.preventDefault();
            void patch('ttl', { ttl_seconds: extendedTtl() }, 'Lifetime extended.');
          }}
          className="flex items-end gap-2"
        >
          <div className="flex-1">
            <SelectField
              label="Extend lifetime by"
              value={String(extendBy)}
              onChange={(e) => setExtendBy(Number(e.target.value))}
              hint={props.expiresAt ? `Expires ${formatRemaining(props.expiresAt)} (${formatDate(props.expiresAt)}). At most 30 days from now.` : undefined}
            >
              {LIFETIMES.map((l) => (
                <option key={l.seconds} value={l.seconds}>
                  {l.label}
                </option>
              ))}
            </SelectField>
          </div>
          <Button type="submit" disabled={busy !== null} className="mb-[26px]">
            Extend
          </Button>
        </form>

        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (runTimeoutValid) void patch('run_timeout', { run_timeout_seconds: runTimeoutValue }, 'Run time limit saved.');
          }}
          className="flex items-end gap-2"
        >
          <div className="flex-1">
            <TextField
              label="Run time limit (seconds)"
              type="number"
              inputMode="numeric"
              min={RUN_TIMEOUT_MIN_S}
              max={RUN_TIMEOUT_MAX_S}
              step={1}
              value={runTimeout}
              onChange={(e) => setRunTimeout(e.target.value)}
              data-testid="run-timeout-input"
              error={runTimeoutValid ? undefined : `A whole number from ${RUN_TIMEOUT_MIN_S} to ${RUN_TIMEOUT_MAX_S}.`}
              hint={runTimeoutValid ? 'A program running longer than this is stopped, for everyone who runs code here.' : undefined}
            />
          </div>
          <Button
            type="submit"
            disabled={busy !== null || !runTimeoutValid || runTimeoutValue === props.runTimeoutSeconds}
            className="mb-[26px]"
            data-testid="run-timeout-save"
          >
            Save
          </Button>
        </form>

        <form
          aria-labelledby={codeRunsId}
          onSubmit={(e) => {
            e.preventDefault();
            if (runSettingsValid) void patch('run_settings', { run_settings: runSettings }, 'Code run settings saved.');
          }}
          className="space-y-3"
        >
          <div>
            <h3 id={codeRunsId} className="text-sm font-semibold text-zinc-900 dark:text-white">
              Code runs
            </h3>
            <p className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
              Compiler flags replace the defaults shown; leave a field empty to keep them.
            </p>
          </div>
          <FlagsField
            label="C compiler flags"
            value={cFlags}
            defaults={DEFAULT_C_FLAGS}
            onChange={setCFlags}
            error={cFlagsError}
            testId="run-settings-c-flags"
          />
          <FlagsField
            label="C++ compiler flags"
            value={cppFlags}
            defaults={DEFAULT_CPP_FLAGS}
            onChange={setCppFlags}
            error={cppFlagsError}
            testId="run-settings-cpp-flags"
          />
          <TextAreaField
            label="SQL setup"
            value={sqlSetup}
            rows={5}
            placeholder={"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO users (name) VALUES ('Ada');"}
            spellCheck={false}
            className="font-mono"
            onChange={(e) => setSqlSetup(e.target.value)}
            error={sqlError}
            hint="Runs before the candidate's SQL in a fresh database, on every run."
            data-testid="run-settings-sql-setup"
          />
          <div className="flex justify-end">
            <Button type="submit" disabled={busy !== null || !runSettingsValid || !runSettingsChanged} data-testid="run-settings-save">
              {busy === 'run_settings' ? 'Saving…' : 'Save run settings'}
            </Button>
          </div>
        </form>

        {message && (
          <p
            role={message.tone === 'error' ? 'alert' : 'status'}
            className={
              message.tone === 'error'
                ? 'rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300'
                : 'rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-300'
            }
          >
            {message.text}
          </p>
        )}

        <div className="rounded-xl border border-red-200 p-4 dark:border-red-900/60">
          <h3 className="text-sm font-semibold text-red-700 dark:text-red-400">End session</h3>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Deletes the session and its code for everyone. This cannot be undone.
          </p>
          <div className="mt-3 flex gap-2">
            {confirmEnd ? (
              <>
                <Button variant="danger" disabled={busy !== null} onClick={() => void endSession()} data-testid="confirm-end">
                  {busy === 'end' ? 'Ending…' : 'Yes, end it for everyone'}
                </Button>
                <Button variant="ghost" onClick={() => setConfirmEnd(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button variant="danger" onClick={() => setConfirmEnd(true)}>
                End session…
              </Button>
            )}
          </div>
        </div>
      </div>
    </Modal>
  );
}
