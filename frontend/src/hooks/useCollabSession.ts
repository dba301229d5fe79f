import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CollabProvider } from '../services/collab/provider';
import type { SocketFactory } from '../services/collab/transport';
import { useSessionStore } from '../store/session';
import { typingUserIds } from '../lib/presence';

export interface CollabParams {
  sessionId: string;
  name: string;
  password?: string;
  token?: string;
  socketFactory?: SocketFactory;
}

export interface CollabHandles {
  doc: Y.Doc;
  awareness: Awareness;
  provider: CollabProvider;
  /** Marks the local user as typing (cleared after a short pause). */
  markTyping: () => void;
}

export const TYPING_IDLE_MS = 1500;

/**
 * Owns the Y.Doc, the awareness and the provider of one session and mirrors
 * the provider's events into the session store. Everything it subscribes to
 * is released on unmount or when the parameters change.
 */
export function useCollabSession(params: CollabParams | null): CollabHandles | null {
  const [handles, setHandles] = useState<CollabHandles | null>(null);
  const sessionId = params?.sessionId;
  const name = params?.name;
  const password = params?.password;
  const token = params?.token;
  const socketFactory = params?.socketFactory;

  useEffect(() => {
    if (sessionId === undefined || name === undefined) return undefined;
    const store = useSessionStore.getState();
    store.reset();
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const provider = new CollabProvider({ sessionId, name, password, token, doc, awareness, socketFactory });

    const unsubscribe = provider.subscribe((event) => {
      useSessionStore.getState().handle(event);
      if (event.type === 'joined') {
        awareness.setLocalStateField('user', { id: event.user.id, name: event.user.name, color: event.user.color });
      }
    });

    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const markTyping = () => {
      if (awareness.getLocalState()?.typing !== true) awareness.setLocalStateField('typing', true);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => awareness.setLocalStateField('typing', false), TYPING_IDLE_MS);
    };

    const onAwarenessChange = () => {
      useSessionStore
        .getState()
        .setTyping(typingUserIds(awareness.getStates() as Map<number, Record<string, unknown>>, doc.clientID));
    };
    awareness.on('change', onAwarenessChange);

    provider.connect();
    // The doc, awareness and provider are external resources created here and
    // released in the cleanup; the state only publishes them to the render.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setHandles({ doc, awareness, provider, markTyping });

    return () => {
      clearTimeout(typingTimer);
      awareness.off('change', onAwarenessChange);
      unsubscribe();
      provider.destroy();
      awareness.destroy();
      doc.destroy();
      setHandles(null);
    };
  }, [sessionId, name, password, token, socketFactory]);

  return handles;
}
