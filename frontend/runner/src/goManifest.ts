/**
 * What the runner build knows about the Go toolchain it ships (written by
 * vite-plugins/goRuntime.ts from scripts/build-go-runtime.sh's output, read by
 * go.worker.ts): where the files live and how the standard-library packages
 * are laid out in `std.data`.
 */
export interface GoRuntimeFile {
  /** File name under `prefix`. */
  name: string;
  /** Raw (decoded) size: what a streamed reader counts. */
  bytes: number;
  /** Hex SHA-256 of the raw bytes (checked on Cache Storage hits). */
  sha256: string;
}

export interface GoPackage {
  /** Import path, e.g. `container/heap`. */
  path: string;
  /** Byte range of the package archive inside `std.data`. */
  offset: number;
  size: number;
}

export interface GoRuntimeManifest {
  /** `go1.26.8`. */
  version: string;
  /** Versioned, content-addressed directory on the runner origin, with slashes: `/go/go1.26.8-<hash>/`. */
  prefix: string;
  /** compile.wasm, link.wasm and std.data (wasm_exec.js is imported separately). */
  files: GoRuntimeFile[];
  /** Every archive in std.data, dependencies included. */
  packages: GoPackage[];
  /** The packages a program may import (shown when an import is missing). */
  importable: string[];
}

export const GO_COMPILER = 'compile.wasm';
export const GO_LINKER = 'link.wasm';
export const GO_STD = 'std.data';
export const GO_WASM_EXEC = 'wasm_exec.js';
