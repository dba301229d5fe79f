import type { SourcePosition } from '../../src/services/executor/protocol';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/**
 * Position of the innermost frame of a V8 stack that lies in the user's
 * module (`fileUrl`, the blob: URL it was imported from). Line numbers map
 * 1:1 to the editor because the code is evaluated unchanged (TypeScript is
 * stripped by a line-preserving transform).
 */
export function userFramePosition(stack: string, fileUrl: string): SourcePosition | undefined {
  const re = new RegExp(`${escapeRegExp(fileUrl)}:(\\d+):(\\d+)`, 'u');
  for (const line of stack.split('\n')) {
    const m = re.exec(line);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

/**
 * The stack as the user should read it: the module URL replaced by
 * `displayName`, frames of the runner itself (other URLs) and the engine
 * frames after the outermost user frame dropped.
 */
export function cleanStack(stack: string, fileUrl: string, displayName: string): string {
  const lines = stack.split('\n').map((l) => l.split(fileUrl).join(displayName));
  const isFrame = (l: string): boolean => /^\s+at /u.test(l);
  let lastUser = -1;
  lines.forEach((l, i) => {
    if (isFrame(l) && l.includes(displayName)) lastUser = i;
  });
  return lines
    .filter((l, i) => !isFrame(l) || (i <= lastUser && (l.includes(displayName) || !/\w+:\/\//u.test(l))))
    .join('\n');
}

/** Position of a sucrase parse error: its message ends with `(line:column)`. */
export function sucraseErrorPosition(message: string): SourcePosition | undefined {
  const m = /\((\d+):(\d+)\)\s*$/u.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

/**
 * Position of a Python error: the last `File "<fileName>", line N` of the
 * traceback (the innermost user frame; for a SyntaxError, the offending line).
 */
export function pythonErrorPosition(traceback: string, fileName = 'main.py'): SourcePosition | undefined {
  const re = new RegExp(`File "${escapeRegExp(fileName)}", line (\\d+)`, 'gu');
  let line: number | undefined;
  for (const m of traceback.matchAll(re)) line = Number(m[1]);
  return line === undefined ? undefined : { line };
}
