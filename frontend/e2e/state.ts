import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATE_FILE =
  process.env.PAIRPAD_E2E_STATE ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', 'test-results', '.e2e-server.json');

export interface E2EState {
  url: string;
  /** The runner origin (the sandbox that runs user code). */
  runnerUrl: string;
  db: string;
  /** The server's request log. */
  logFile: string;
  pid: number;
}

export function readState(): E2EState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2EState;
}
