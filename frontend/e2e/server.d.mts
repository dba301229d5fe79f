export declare const FRONTEND_DIR: string;
export declare const DIST_DIR: string;
export declare const PAIRPAD_BIN: string;
export declare function checkPrerequisites(): void;

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly db: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export declare function startServer(options?: { port?: number; db?: string }): Promise<ServerHandle>;
