import type { SourcePosition } from '../../src/services/executor/protocol';

/**
 * Error positions and messages of the Lua and Ruby runtimes, as the user
 * should read them. Pure functions (unit-tested); the workers call them with
 * what the runtime reported.
 */

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

// ---- Lua ---------------------------------------------------------------------

/**
 * Line of a Lua error in the user's chunk: the `chunk:N:` prefix of the
 * message (runtime and syntax errors), else the innermost frame of the
 * traceback in the chunk (errors raised with a table or with level 0).
 */
export function luaErrorPosition(message: string, traceback: string, chunk = 'main.lua'): SourcePosition | undefined {
  const prefix = new RegExp(`^${escapeRegExp(chunk)}:(\\d+):`, 'u').exec(message);
  if (prefix) return { line: Number(prefix[1]) };
  const frame = new RegExp(`^\\s+${escapeRegExp(chunk)}:(\\d+):`, 'mu').exec(traceback);
  return frame ? { line: Number(frame[1]) } : undefined;
}

/** The message without its `chunk:N: ` prefix (the line is shown apart). */
export function luaErrorSummary(message: string, chunk = 'main.lua'): string {
  const text = message.replace(new RegExp(`^${escapeRegExp(chunk)}:\\d+: `, 'u'), '');
  return text.split('\n')[0] || 'error';
}

/**
 * The traceback without the runner's own frames: everything after the
 * outermost frame of the user's chunk (the protected call that ran it).
 */
export function cleanLuaTraceback(traceback: string, chunk = 'main.lua'): string {
  const lines = traceback.split('\n');
  const isFrame = (l: string): boolean => /^\s/u.test(l);
  let lastUser = -1;
  lines.forEach((l, i) => {
    if (isFrame(l) && l.trimStart().startsWith(`${chunk}:`)) lastUser = i;
  });
  if (lastUser < 0) return lines.filter((l) => !isFrame(l)).join('\n').replace(/\nstack traceback:$/u, '');
  return lines.slice(0, lastUser + 1).join('\n');
}

// ---- Ruby --------------------------------------------------------------------

/** Terminal colour and style sequences (Ruby highlights syntax errors). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/gu, '');
}

/**
 * Line of a Ruby exception in the user's file: the innermost backtrace entry
 * in it, else the `file:N:` a SyntaxError message starts with.
 */
export function rubyErrorPosition(message: string, backtrace: readonly string[], file = 'main.rb'): SourcePosition | undefined {
  const re = new RegExp(`^${escapeRegExp(file)}:(\\d+)(?::|$)`, 'u');
  for (const entry of backtrace) {
    const m = re.exec(entry);
    if (m) return { line: Number(m[1]) };
  }
  const m = new RegExp(`(?:^|\\s)${escapeRegExp(file)}:(\\d+):`, 'u').exec(stripAnsi(message));
  return m ? { line: Number(m[1]) } : undefined;
}

/**
 * `Class: first line of the message`; for a SyntaxError the first complaint
 * under its source excerpt (prism lists them after `^` markers).
 */
export function rubyErrorSummary(className: string, message: string, file = 'main.rb'): string {
  const text = stripAnsi(message);
  if (className === 'SyntaxError') {
    const detail = /\^+ (.+)$/mu.exec(text);
    if (detail) return `SyntaxError: ${detail[1]!.trim()}`;
  }
  const first = (text.split('\n')[0] ?? '').replace(new RegExp(`^${escapeRegExp(file)}:\\d+: `, 'u'), '').trim();
  return first ? `${className}: ${first}` : className;
}
