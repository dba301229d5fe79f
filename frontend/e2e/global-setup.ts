import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startServer } from './server.mjs';
import { STATE_FILE } from './state';

/** Starts the real pairpad binary once for the whole run; returns its teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startServer();
  mkdirSync(dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ url: server.url, runnerUrl: server.runnerUrl, db: server.db, logFile: server.logFile, pid: server.pid }));
  process.env.PAIRPAD_E2E_URL = server.url;
  return async () => {
    await server.dispose();
  };
}
