export declare const FRONTEND_DIR: string;
export declare const DIST_DIR: string;
export declare const RUNNER_DIR: string;
export declare const PAIRPAD_BIN: string;
export declare function checkPrerequisites(): void;
export declare function freePort(): Promise<number>;

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  /** The runner origin (the sandbox that runs user code). */
  readonly runnerUrl: string;
  readonly pid: number | undefined;
  readonly db: string;
  /** The server's log (one line per request at info level). */
  readonly logFile: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export declare function startServer(options?: { port?: number; runnerPort?: number; db?: string }): Promise<ServerHandle>;
