import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useCollabSession, type CollabParams } from '../../hooks/useCollabSession';
import { runUnavailableReason, useExecution } from '../../hooks/useExecution';
import { useLanguages, languageName } from '../../hooks/useLanguages';
import { useCopy } from '../../hooks/useCopy';
import { useTheme } from '../../hooks/useTheme';
import { useNow } from '../../hooks/useNow';
import { usePrefs } from '../../store/prefs';
import { useSessionStore } from '../../store/session';
import type { SessionInfo } from '../../types/api';
import { parseRunSettings } from '../../types/protocol';
import { formatRemaining } from '../../lib/time';
import { Button, IconButton } from '../ui/Button';
import { CheckIcon, ClockIcon, LinkIcon, LockIcon, SettingsIcon } from '../ui/icons';
import { Logo } from '../ui/Logo';
import { ThemeToggle } from '../ui/ThemeToggle';
import { AvatarStack, PresenceList } from './PresenceList';
import { OutputPanel } from './OutputPanel';
import { SettingsDialog } from './SettingsDialog';
import { StatusLight } from './StatusLight';
import { Toolbar } from './Toolbar';
import { Notice } from './Notice';

export const loadEditor = () => import('../editor/CodeEditor');
const CodeEditor = lazy(loadEditor);

export interface WorkspaceProps {
  sessionId: string;
  name: string;
  password?: string;
  token?: string;
  info: SessionInfo | null;
  socketFactory?: CollabParams['socketFactory'];
}

function EditorFallback() {
  return (
    <div className="flex h-full items-center justify-center text-sm text-zinc-500 dark:text-zinc-400" role="status">
      Loading editor…
    </div>
  );
}

/** The live session: header, toolbar, editor, participants and output. */
export function Workspace({ sessionId, name, password, token, info: initialInfo, socketFactory }: WorkspaceProps) {
  const params = useMemo<CollabParams>(
    () => ({ sessionId, name, password, token, socketFactory }),
    [sessionId, name, password, token, socketFactory],
  );
  const handles = useCollabSession(params);
  const theme = useTheme();
  const fontSize = usePrefs((s) => s.fontSize);
  const minimap = usePrefs((s) => s.minimap);
  const { languages, loaded: languagesLoaded } = useLanguages();
  const now = useNow();
  const { copied, copy } = useCopy();

  const self = useSessionStore((s) => s.self);
  const participants = useSessionStore((s) => s.participants);
  const language = useSessionStore((s) => s.language) ?? initialInfo?.language ?? null;
  const title = useSessionStore((s) => s.title) ?? initialInfo?.title ?? 'Session';
  const expiresAt = useSessionStore((s) => s.expiresAt) ?? initialInfo?.expires_at ?? null;
  const runTimeoutSeconds = useSessionStore((s) => s.runTimeoutSeconds);
  const runSettings = useSessionStore((s) => s.runSettings);
  const storeActions = useSessionStore.getState;

  const [info, setInfo] = useState<SessionInfo | null>(initialInfo);
  const [settingsOpen, setSettingsOpen] = useState(false);

  const isInterviewer = self?.role === 'interviewer' && Boolean(token);
  const currentLanguage = languages.find((l) => l.id === language);
  const languageRunnable = currentLanguage?.runnable ?? false;
  const monacoLanguage = currentLanguage?.monaco ?? language ?? 'plaintext';
  const runner = useSessionStore((s) => s.runner);
  const running = useSessionStore((s) => s.localRunId !== null);
  const markers = useSessionStore((s) => s.markers);
  const runReason = runUnavailableReason(
    runner,
    { id: language, name: languageName(languages, language) },
    languageRunnable,
    languagesLoaded,
  );

  const execution = useExecution({
    provider: handles?.provider ?? null,
    doc: handles?.doc ?? null,
    language,
    languageRunnable,
    name,
  });

  useEffect(() => {
    document.title = `${title} · Pairpad`;
  }, [title]);

  useEffect(() => {
    if (initialInfo?.run_timeout_seconds !== undefined) storeActions().setRunTimeout(initialInfo.run_timeout_seconds);
    const settings = parseRunSettings(initialInfo?.run_settings);
    if (settings) storeActions().setRunSettings(settings);
  }, [initialInfo, storeActions]);

  const { run: startRun } = execution;
  const onRun = useCallback(() => {
    if (runReason !== null) storeActions().notify('info', runReason);
    else startRun();
  }, [runReason, startRun, storeActions]);

  // Ctrl/Cmd+Enter anywhere on the page (the editor handles its own).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
        event.preventDefault();
        onRun();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onRun]);

  const changeLanguage = async (id: string) => {
    if (!handles || id === language) return;
    const previous = language;
    storeActions().setLanguage(id);
    const ack = await handles.provider.setLanguage(id);
    if (!ack.ok) {
      if (previous) storeActions().setLanguage(previous);
      storeActions().notify('error', `Could not change the language: ${ack.error.message}`);
    }
  };

  const candidateLink = `${window.location.origin}/s/${sessionId}`;
  const hasPassword = info?.has_password ?? false;

  return (
    <div className="flex h-full flex-col bg-zinc-50 dark:bg-zinc-950">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <Logo withText={false} />
        <div className="h-6 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden="true" />
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-[15px] font-semibold text-zinc-900 dark:text-white" data-testid="session-title">
            {title}
          </h1>
          <p className="flex items-center gap-2 truncate text-xs text-zinc-500 dark:text-zinc-400">
            <span data-testid="session-language">{languageName(languages, language)}</span>
            {expiresAt && (
              <span className="inline-flex items-center gap-1">
                <ClockIcon size={11} /> expires {formatRemaining(expiresAt, now)}
              </span>
            )}
            {hasPassword && (
              <span className="inline-flex items-center gap-1">
                <LockIcon size={11} /> password
              </span>
            )}
            {isInterviewer && <span className="font-medium text-indigo-600 dark:text-indigo-400">You are the interviewer</span>}
          </p>
        </div>
        <StatusLight />
        <div className="hidden sm:block">
          <AvatarStack />
        </div>
        <Button size="sm" variant="primary" onClick={() => void copy('link', candidateLink)} data-testid="copy-link">
          {copied === 'link' ? <CheckIcon size={14} /> : <LinkIcon size={14} />}
          {copied === 'link' ? 'Copied' : 'Copy link'}
        </Button>
        <span className="sr-only" aria-live="polite">
          {copied === 'link' ? 'Candidate link copied to the clipboard' : ''}
        </span>
        <ThemeToggle />
        {isInterviewer && (
          <IconButton label="Session settings" onClick={() => setSettingsOpen(true)} data-testid="open-settings">
            <SettingsIcon />
          </IconButton>
        )}
      </header>

      <Toolbar
        languages={languages}
        language={language}
        onLanguageChange={(id) => void changeLanguage(id)}
        languageDisabled={!self}
        runReason={runReason}
        running={running}
        onRun={onRun}
        onStop={execution.stop}
      />

      <div className="flex min-h-0 flex-1 flex-col lg:flex-row">
        <main className="relative min-h-[320px] min-w-0 flex-1 bg-white dark:bg-[#131316]" aria-label="Code">
          {handles ? (
            <Suspense fallback={<EditorFallback />}>
              <CodeEditor
                doc={handles.doc}
                awareness={handles.awareness}
                language={monacoLanguage}
                theme={theme}
                fontSize={fontSize}
                minimap={minimap}
                participants={participants}
                readOnly={!self}
                onRun={onRun}
                markers={markers}
                onLocalEdit={handles.markTyping}
                onEditable={() => performance.mark('pairpad:editable')}
              />
            </Suspense>
          ) : (
            <EditorFallback />
          )}
        </main>
        <aside
          aria-label="Session details"
          className="flex max-h-[45vh] shrink-0 flex-col border-t border-zinc-200 bg-white lg:max-h-none lg:w-80 lg:border-t-0 lg:border-l dark:border-zinc-800 dark:bg-zinc-900"
        >
          <PresenceList />
          <div className="border-t border-zinc-200 dark:border-zinc-800" />
          <OutputPanel reason={runReason} languages={languages} language={language} onStdin={execution.sendStdin} onStdinEnd={execution.endStdin} />
        </aside>
      </div>

      <Notice />

      {settingsOpen && token && (
        <SettingsDialog
          sessionId={sessionId}
          token={token}
          title={title}
          language={language ?? 'javascript'}
          expiresAt={expiresAt}
          hasPassword={hasPassword}
          runTimeoutSeconds={runTimeoutSeconds}
          runSettings={runSettings}
          languages={languages}
          onClose={() => setSettingsOpen(false)}
          onUpdated={(session) => {
            setInfo(session);
            storeActions().setTitle(session.title);
            storeActions().setExpiresAt(session.expires_at);
            if (session.run_timeout_seconds !== undefined) storeActions().setRunTimeout(session.run_timeout_seconds);
            const settings = parseRunSettings(session.run_settings);
            if (settings) storeActions().setRunSettings(settings);
          }}
        />
      )}
    </div>
  );
}
