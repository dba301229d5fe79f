// Starts and stops the real `pairpad` binary for end-to-end tests and the
// perf script. Builds nothing: run the CMake build and `npm run build` first.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = resolve(here, '..');
export const DIST_DIR = process.env.PAIRPAD_DIST_DIR ?? join(FRONTEND_DIR, 'dist');
export const RUNNER_DIR = process.env.PAIRPAD_RUNNER_DIR ?? join(FRONTEND_DIR, 'dist-runner');
export const PAIRPAD_BIN = process.env.PAIRPAD_BIN ?? resolve(FRONTEND_DIR, '../backend/build/pairpad');

export function checkPrerequisites() {
  if (!existsSync(PAIRPAD_BIN)) {
    throw new Error(
      `pairpad binary not found at ${PAIRPAD_BIN}: build it with ` +
        '`cmake -S backend -B backend/build && cmake --build backend/build` (or set PAIRPAD_BIN).',
    );
  }
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    throw new Error(`no front-end build in ${DIST_DIR}: run \`npm run build\` first.`);
  }
  if (!existsSync(join(RUNNER_DIR, 'index.html'))) {
    throw new Error(`no runner build in ${RUNNER_DIR}: run \`npm run build\` first.`);
  }
}

/** A port nobody listens on right now (the runner port cannot be 0: 0 turns it off). */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

function launch({ port, runnerPort, db, logFile }) {
  const args = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--runner-port', String(runnerPort),
    '--runner-dir', RUNNER_DIR,
    '--database-url', `sqlite:${db}`,
    '--static-dir', DIST_DIR,
    '--rate-limits', 'off',
    '--sweep-interval', '86400',
    // info: one line per request, which the sandbox attack tests read to prove
    // that nothing from the runner reached the app's API.
    '--log-level', process.env.PAIRPAD_LOG_LEVEL ?? 'info',
  ];
  const child = spawn(PAIRPAD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pairpad did not start within 10 s:\n${output}`));
    }, 10_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = /listening on http:\/\/[^:\s]+:(\d+)/u.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        // keep draining so the pipes never fill up
        child.stdout.resume();
        if (logFile) appendFileSync(logFile, output);
        child.stderr.on('data', (d) => {
          if (logFile) appendFileSync(logFile, d);
          if (process.env.PAIRPAD_E2E_VERBOSE) process.stderr.write(d);
        });
        resolvePromise({ child, port: Number(m[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`pairpad exited early (${code ?? signal}):\n${output}`));
    });
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts pairpad on a free port (or `port`) with a fresh SQLite database in a
 * temporary directory (or `db`).
 */
export async function startServer(options = {}) {
  checkPrerequisites();
  const dir = options.db ? null : mkdtempSync(join(tmpdir(), 'pairpad-e2e-'));
  const db = options.db ?? join(dir, 'pairpad.db');
  const runnerPort = options.runnerPort ?? (await freePort());
  const logFile = join(dir ?? dirname(db), 'server.log');
  let { child, port } = await launch({ port: options.port ?? 0, runnerPort, db, logFile });
  const handle = {
    get url() {
      return `http://localhost:${port}`;
    },
    get port() {
      return port;
    },
    /** The runner origin (the sandbox that runs user code). */
    get runnerUrl() {
      return `http://localhost:${runnerPort}`;
    },
    get pid() {
      return child.pid;
    },
    db,
    /** The server's log (one line per request at info level). */
    logFile,
    async stop() {
      await stopChild(child);
    },
    /** Stops and starts again on the same port and database. */
    async restart() {
      await stopChild(child);
      ({ child } = await launch({ port, runnerPort, db, logFile }));
    },
    async dispose() {
      await stopChild(child);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
