/**
 * CSS for remote cursors and selections drawn by y-monaco (classes
 * `yRemoteSelection-<clientId>` / `yRemoteSelectionHead-<clientId>`), in each
 * participant's colour with a name label. Names and colours come from the
 * server's participant list, never from the (unverified) awareness payload.
 */
import type { User } from '../types/protocol';

export interface AwarenessUserState {
  user?: { id?: unknown; name?: unknown; color?: unknown };
  typing?: unknown;
}

/** A CSS string literal that cannot break out of its declaration. */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += /[\p{L}\p{N} _.-]/u.test(ch) ? ch : `\\${cp.toString(16)} `;
  }
  return `${out}"`;
}

const HEX = /^#[0-9a-f]{6}$/iu;

export interface RemoteCursor {
  clientId: number;
  user: User;
}

/** Matches awareness client ids to present participants. */
export function remoteCursors(
  states: Map<number, Record<string, unknown>>,
  participants: readonly User[],
  selfClientId: number,
): RemoteCursor[] {
  const byId = new Map(participants.map((p) => [p.id, p]));
  const out: RemoteCursor[] = [];
  states.forEach((state, clientId) => {
    if (clientId === selfClientId) return;
    const id = (state as AwarenessUserState).user?.id;
    const user = typeof id === 'string' ? byId.get(id) : undefined;
    if (user) out.push({ clientId, user });
  });
  return out;
}

export function remoteCursorCss(cursors: readonly RemoteCursor[], labelText: (color: string) => string): string {
  return cursors
    .filter(({ clientId, user }) => Number.isSafeInteger(clientId) && HEX.test(user.color))
    .map(({ clientId, user }) => {
      const c = user.color;
      return [
        `.yRemoteSelection-${clientId}{background-color:${c}38;}`,
        `.yRemoteSelectionHead-${clientId}{border-color:${c};}`,
        `.yRemoteSelectionHead-${clientId}::after{content:${cssString(user.name)};background-color:${c};color:${labelText(c)};}`,
      ].join('\n');
    })
    .join('\n');
}

/** User ids of remote participants whose awareness says they are typing. */
export function typingUserIds(
  states: Map<number, Record<string, unknown>>,
  selfClientId: number,
): string[] {
  const ids = new Set<string>();
  states.forEach((state, clientId) => {
    const s = state as AwarenessUserState;
    if (clientId !== selfClientId && s.typing === true && typeof s.user?.id === 'string') ids.add(s.user.id);
  });
  return [...ids].sort();
}
