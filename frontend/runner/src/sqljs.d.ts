/** The part of sql.js (no bundled types) the SQL worker uses. */
declare module 'sql.js' {
  type SqlValue = string | number | bigint | Uint8Array | null;

  interface Statement {
    getSQL(): string;
    getColumnNames(): string[];
    step(): boolean;
    get(params?: null, config?: { useBigInt?: boolean }): SqlValue[];
    free(): boolean;
  }

  interface StatementIterator extends Iterator<Statement> {
    getRemainingSQL(): string;
  }

  interface Database {
    exec(sql: string): unknown[];
    iterateStatements(sql: string): StatementIterator;
    close(): void;
  }

  interface SqlJsStatic {
    Database: new () => Database;
  }

  interface InitOptions {
    wasmBinary?: ArrayBuffer;
    locateFile?: (file: string) => string;
  }

  export type { Database, Statement, StatementIterator, SqlJsStatic, SqlValue };
  export default function initSqlJs(options?: InitOptions): Promise<SqlJsStatic>;
}
