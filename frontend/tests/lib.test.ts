import { describe, expect, it } from 'vitest';
import { cssString, remoteCursorCss, remoteCursors, typingUserIds } from '../src/lib/presence';
import { formatRemaining } from '../src/lib/time';
import { initials, textColorOn } from '../src/components/ui/Avatar';
import { parseToken } from '../src/components/session/SessionPage';
import { matchRoute } from '../src/App';
import type { User } from '../src/types/protocol';

const ada: User = { id: 'a', name: 'Ada', color: '#e11d48', role: 'interviewer' };

describe('remote cursor styles', () => {
  it('quotes names so they cannot escape the CSS string', () => {
    expect(cssString('Ada Lovelace')).toBe('"Ada Lovelace"');
    const evil = cssString('x";}body{display:none}/*\n');
    const inner = evil.slice(1, -1);
    for (const ch of ['"', ';', '{', '}', '/', '*', '\n']) expect(inner).not.toContain(ch);
    expect(inner).toContain('\\22 ');
  });

  it('uses the server’s participant list, not the awareness payload', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: 'a', name: 'Mallory', color: 'red;}' } }],
      [2, { user: { id: 'unknown', name: 'Ghost' } }],
      [3, { user: { id: 'a' } }],
    ]);
    const cursors = remoteCursors(states, [ada], 3);
    expect(cursors).toEqual([{ clientId: 1, user: ada }]);
    const css = remoteCursorCss(cursors, () => '#fff');
    expect(css).toContain('.yRemoteSelection-1{background-color:#e11d4838;}');
    expect(css).toContain('.yRemoteSelectionHead-1::after{content:"Ada";background-color:#e11d48;color:#fff;}');
    expect(css).not.toContain('Mallory');
  });

  it('lists who is typing, without the local client', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: 'a' }, typing: true }],
      [2, { user: { id: 'b' }, typing: false }],
      [3, { user: { id: 'me' }, typing: true }],
    ]);
    expect(typingUserIds(states, 3)).toEqual(['a']);
  });
});

describe('small helpers', () => {
  it('makes initials', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('grace')).toBe('GR');
    expect(initials('  ')).toBe('?');
    expect(initials('Émile Zola Jr')).toBe('ÉJ');
  });

  it('picks readable text colours', () => {
    expect(textColorOn('#ffffff')).toBe('#18181b');
    expect(textColorOn('#1e3a8a')).toBe('#ffffff');
  });

  it('formats remaining time', () => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    expect(formatRemaining('2026-01-01T00:30:00.000Z', now)).toBe('in 30 min');
    expect(formatRemaining('2026-01-02T00:00:00.000Z', now)).toBe('in 24 h');
    expect(formatRemaining('2026-01-10T00:00:00.000Z', now)).toBe('in 9 days');
    expect(formatRemaining('2025-12-31T00:00:00.000Z', now)).toBe('expired');
  });

  it('reads the interviewer token from the fragment', () => {
    expect(parseToken('#token=abc_-123')).toBe('abc_-123');
    expect(parseToken('')).toBeUndefined();
    expect(parseToken('#other=1')).toBeUndefined();
  });

  it('routes paths', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/s/3F2B8C1E-8A4D-4C6B-9E0F-1A2B3C4D5E6F')).toEqual({
      name: 'session',
      id: '3f2b8c1e-8a4d-4c6b-9e0f-1a2b3c4d5e6f',
    });
    expect(matchRoute('/nope')).toEqual({ name: 'not_found' });
  });
});
