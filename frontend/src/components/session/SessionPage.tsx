import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../../services/api';
import { API_ERROR, type SessionInfo } from '../../types/api';
import { SOCKET_ERROR, type WireError } from '../../types/protocol';
import { usePrefs } from '../../store/prefs';
import { useSessionStore } from '../../store/session';
import type { SocketFactory } from '../../services/collab/transport';
import { StatusPage, linkButtonClass } from '../ui/StatusPage';
import { Button } from '../ui/Button';
import { AlertIcon, ClockIcon, TrashIcon, XIcon } from '../ui/icons';
import { JoinGate } from './JoinGate';
import { Workspace } from './Workspace';

/** The interviewer token travels in the fragment: never sent to the server in URLs, logs or Referer. */
export function parseToken(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/u, ''));
  const token = params.get('token');
  return token && token.length > 0 ? token : undefined;
}

interface GatePhase {
  kind: 'gate';
  info: SessionInfo | null;
  needPassword: boolean;
  error: string | null;
  busy: boolean;
}

type Phase =
  | { kind: 'loading' }
  | GatePhase
  | { kind: 'live'; info: SessionInfo | null; name: string; password?: string }
  | { kind: 'gone'; reason: 'not_found' | 'expired' | 'deleted' | 'ended' }
  | { kind: 'failed'; message: string };

function goneReason(code: string): 'not_found' | 'expired' | 'deleted' | 'ended' | null {
  switch (code) {
    case SOCKET_ERROR.sessionNotFound:
      return 'not_found';
    case SOCKET_ERROR.sessionExpired:
      return 'expired';
    case SOCKET_ERROR.sessionDeleted:
      return 'deleted';
    case SOCKET_ERROR.sessionEnded:
      return 'ended';
    default:
      return null;
  }
}

function apiErrorPhase(cause: unknown): Phase | null {
  if (cause instanceof ApiError) {
    if (cause.status === 404) return { kind: 'gone', reason: 'not_found' };
    if (cause.status === 410) return { kind: 'gone', reason: 'expired' };
  }
  return null;
}

function passwordErrorText(cause: unknown): string {
  if (cause instanceof ApiError) {
    if (cause.code === API_ERROR.invalidPassword) return 'That password is not right. Try again.';
    if (cause.code === API_ERROR.passwordRequired) return 'Enter the session password.';
    if (cause.status === 429) return `Too many attempts. Wait ${cause.retryAfter ?? 60} seconds and try again.`;
    return cause.message;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

export interface SessionPageProps {
  sessionId: string;
  /** Tests inject a fake transport. */
  socketFactory?: SocketFactory;
}

export default function SessionPage({ sessionId, socketFactory }: SessionPageProps) {
  const token = useMemo(() => parseToken(window.location.hash), []);
  const rememberedName = usePrefs((s) => s.name);
  const rememberName = usePrefs((s) => s.setName);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const ended = useSessionStore((s) => s.ended);
  const joinError = useSessionStore((s) => s.joinError);

  useEffect(() => {
    useSessionStore.getState().reset();
    const controller = new AbortController();
    api.getSession(sessionId, { token }, controller.signal).then(
      (info) => {
        if (!info.is_active) setPhase({ kind: 'gone', reason: 'ended' });
        else if (rememberedName) setPhase({ kind: 'live', info, name: rememberedName });
        else setPhase({ kind: 'gate', info, needPassword: false, error: null, busy: false });
      },
      (cause: unknown) => {
        if (controller.signal.aborted) return;
        const gone = apiErrorPhase(cause);
        if (gone) setPhase(gone);
        else if (cause instanceof ApiError && cause.code === API_ERROR.passwordRequired)
          setPhase({ kind: 'gate', info: null, needPassword: true, error: null, busy: false });
        else setPhase({ kind: 'failed', message: cause instanceof Error ? cause.message : String(cause) });
      },
    );
    return () => controller.abort();
    // The remembered name is read once per load on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, token, attempt]);

  const submitGate = useCallback(
    async (gate: GatePhase, name: string, password: string) => {
      useSessionStore.getState().clearJoinError();
      if (!gate.needPassword) {
        rememberName(name);
        setPhase({ kind: 'live', info: gate.info, name });
        return;
      }
      setPhase({ ...gate, busy: true, error: null });
      try {
        const info = await api.getSession(sessionId, { password, token });
        rememberName(name);
        setPhase({ kind: 'live', info, name, password });
      } catch (cause) {
        const gone = apiErrorPhase(cause);
        setPhase(gone ?? { ...gate, busy: false, error: passwordErrorText(cause) });
      }
    },
    [rememberName, sessionId, token],
  );

  // Socket-side outcomes win: the session went away, or the join was refused.
  let view: Phase = phase;
  if (ended) {
    const reason = goneReason(ended.code);
    view = reason ? { kind: 'gone', reason } : { kind: 'failed', message: ended.message };
  } else if (joinError && phase.kind === 'live') {
    const needPassword =
      joinError.code === SOCKET_ERROR.passwordRequired ||
      joinError.code === SOCKET_ERROR.invalidPassword ||
      Boolean(phase.info?.has_password);
    view = { kind: 'gate', info: phase.info, needPassword, error: joinErrorText(joinError), busy: false };
  }

  switch (view.kind) {
    case 'loading':
      return (
        <div className="flex h-full items-center justify-center bg-zinc-50 text-sm text-zinc-500 dark:bg-zinc-950 dark:text-zinc-400" role="status">
          Opening session…
        </div>
      );
    case 'gate':
      return (
        <JoinGate
          title={view.info?.title ?? null}
          needPassword={view.needPassword}
          defaultName={rememberedName}
          error={view.error}
          busy={view.busy}
          onSubmit={(name, password) => void submitGate(view, name, password)}
        />
      );
    case 'live':
      return (
        <Workspace
          sessionId={sessionId}
          name={view.name}
          password={view.password}
          token={token}
          info={view.info}
          socketFactory={socketFactory}
        />
      );
    case 'gone':
      return <GonePage reason={view.reason} />;
    case 'failed':
      return (
        <StatusPage icon={<AlertIcon size={20} />} title="Something went wrong" testId="session-failed">
          <p>{view.message}</p>
          <div className="mt-6">
            <Button
              variant="primary"
              onClick={() => {
                setPhase({ kind: 'loading' });
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </Button>
          </div>
        </StatusPage>
      );
  }
}

function joinErrorText(error: WireError): string {
  switch (error.code) {
    case SOCKET_ERROR.invalidPassword:
      return 'That password is not right. Try again.';
    case SOCKET_ERROR.passwordRequired:
      return 'This session now requires a password.';
    case SOCKET_ERROR.roomFull:
      return 'This session is full. Ask the interviewer to make room.';
    case SOCKET_ERROR.invalidName:
      return 'Choose a name of 1 to 64 characters.';
    case SOCKET_ERROR.rateLimited:
      return 'Too many attempts. Wait a minute and try again.';
    default:
      return error.message;
  }
}

const GONE = {
  not_found: {
    title: 'Session not found',
    text: 'This link does not match any session. It may have been mistyped, or the session was deleted.',
    icon: <XIcon size={20} />,
  },
  expired: {
    title: 'This session has expired',
    text: 'Interview sessions are available for a limited time. Ask your interviewer for a new link.',
    icon: <ClockIcon size={20} />,
  },
  deleted: {
    title: 'This session was deleted',
    text: 'The interviewer ended the session and deleted its code. Thanks for taking part!',
    icon: <TrashIcon size={20} />,
  },
  ended: {
    title: 'This session has ended',
    text: 'The interviewer closed this session. Thanks for taking part!',
    icon: <ClockIcon size={20} />,
  },
} as const;

export function GonePage({ reason }: { reason: keyof typeof GONE }) {
  const page = GONE[reason];
  useEffect(() => {
    document.title = `${page.title} · Pairpad`;
  }, [page.title]);
  return (
    <StatusPage
      icon={page.icon}
      title={page.title}
      testId={`session-${reason}`}
      actions={
        <a href="/" className={linkButtonClass}>
          Create a new session
        </a>
      }
    >
      <p>{page.text}</p>
    </StatusPage>
  );
}
