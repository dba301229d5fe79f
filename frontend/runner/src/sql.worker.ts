import initSqlJs, { type Database, type SqlJsStatic, type SqlValue, type Statement } from 'sql.js';
import type { WorkerRun } from '../../src/services/executor/protocol';
import type { OutputBatcher } from './outputBatcher';
import { createBatcher, fetchRuntime, serveScriptRuntime, type RuntimeFile } from './scriptRuntime';
import { formatTable, sqlErrorLine, SQL_MAX_ROWS_SHOWN } from './sqlFormat';
import type { WorkerHost } from './workerHost';

/**
 * The SQL run worker: SQLite (sql.js), the WebAssembly module loaded once and
 * kept warm. Every run gets a fresh in-memory database: the interviewer's
 * setup script (schema and seed data, `options.setup`) runs first and
 * silently, then the candidate's statements in order; each statement that
 * returns columns prints a result table. The first error stops the script.
 */

declare const __SQL_FILES__: RuntimeFile[];

let SQL: SqlJsStatic | null = null;
let batcher: OutputBatcher | null = null;

async function load(host: WorkerHost): Promise<void> {
  const responses = await fetchRuntime(host, __SQL_FILES__);
  const wasmBinary = await responses[0]!.arrayBuffer();
  SQL = await initSqlJs({ wasmBinary });
  batcher = createBatcher(host);
  host.send({ type: 'loaded' });
}

interface ScriptError {
  message: string;
  line: number;
}

type ResultSet = (columns: string[], rows: SqlValue[][], total: number) => void;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs every statement of `script` in order; returns the first error, if any.
 * Statements are freed by the iterator and by `db.close()`.
 */
function execute(db: Database, script: string, onResult: ResultSet | null): ScriptError | null {
  const it = db.iterateStatements(script);
  /** Where the next statement's text begins (its SQL runs from the previous one's end). */
  let cursor = 0;
  for (;;) {
    let next: IteratorResult<Statement>;
    try {
      next = it.next();
    } catch (err) {
      // A statement that does not compile: the iterator stopped at its start.
      const message = messageOf(err);
      return { message, line: sqlErrorLine(script, script.length - it.getRemainingSQL().length, message) };
    }
    if (next.done) return null;
    const stmt = next.value;
    const start = cursor;
    const text = stmt.getSQL();
    cursor = script.startsWith(text, cursor) ? cursor + text.length : script.length - it.getRemainingSQL().length;
    try {
      const columns = stmt.getColumnNames();
      const rows: SqlValue[][] = [];
      let total = 0;
      while (stmt.step()) {
        if (rows.length < SQL_MAX_ROWS_SHOWN) rows.push(stmt.get(null, { useBigInt: true }));
        total++;
      }
      if (columns.length > 0) onResult?.(columns, rows, total);
    } catch (err) {
      const message = messageOf(err);
      return { message, line: sqlErrorLine(script, start, message) };
    }
  }
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const out = batcher!;
  out.reset();
  const db = new SQL!.Database();
  try {
    host.send({ type: 'started' });
    const setup = msg.options?.setup;
    if (setup?.trim()) {
      const err = execute(db, setup, null);
      if (err) {
        const message = `The setup script (set by the interviewer) failed at its line ${err.line}: ${err.message}`;
        out.write('stderr', `${message}\n`);
        out.flush();
        host.send({ type: 'done', status: 'error', exitCode: 1, error: { message } });
        return;
      }
    }
    let tables = 0;
    const err = execute(db, msg.code, (columns, rows, total) => {
      out.write('stdout', `${tables++ > 0 ? '\n' : ''}${formatTable(columns, rows, total)}`);
    });
    if (err) {
      out.write('stderr', `${tables > 0 ? '\n' : ''}Error near line ${err.line}: ${err.message}\n`);
      out.flush();
      host.send({ type: 'done', status: 'error', exitCode: 1, error: { message: err.message, position: { line: err.line } } });
      return;
    }
    out.flush();
    host.send({ type: 'done', status: 'ok', exitCode: 0 });
  } finally {
    db.close();
  }
}

serveScriptRuntime({ load, run });
