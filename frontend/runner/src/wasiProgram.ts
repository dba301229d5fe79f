import { Fd, WASI, wasi } from '@bjorn3/browser_wasi_shim';

/**
 * Runs a WASI (preview 1) command module: stdout and stderr go to `write`,
 * fd 0 reads block on `readLine` (the runner's stdin buffer), and the result
 * is the proc_exit code. Traps propagate as exceptions. There is no file
 * system and no network: the program sees three character devices.
 */

export interface WasiIo {
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Blocks until a line arrives; null (or '') is end of input. Null when stdin is unavailable. */
  readLine: (() => string | null) | null;
  /** Called once when the program reads stdin but there is none. */
  noStdin(): void;
}

/**
 * A terminal-like fd: C's stdio line-buffers stdout on a character device,
 * so output shows up as lines are printed.
 */
class TerminalFd extends Fd {
  constructor(private readonly rights: number) {
    super();
  }

  override fd_fdstat_get() {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, 0);
    fdstat.fs_rights_base = BigInt(this.rights);
    return { ret: 0, fdstat };
  }

  override fd_filestat_get() {
    return { ret: 0, filestat: new wasi.Filestat(0n, wasi.FILETYPE_CHARACTER_DEVICE, 0n) };
  }
}

class OutputFd extends TerminalFd {
  private readonly decoder = new TextDecoder();

  constructor(private readonly emit: (text: string) => void) {
    super(wasi.RIGHTS_FD_WRITE);
  }

  override fd_write(data: Uint8Array) {
    const text = this.decoder.decode(data, { stream: true });
    if (text) this.emit(text);
    return { ret: 0, nwritten: data.byteLength };
  }
}

class InputFd extends TerminalFd {
  private pending = new Uint8Array(0);
  private eof = false;
  private warned = false;

  constructor(private readonly io: WasiIo) {
    super(wasi.RIGHTS_FD_READ);
  }

  override fd_read(size: number) {
    if (this.pending.length === 0 && !this.eof) {
      if (!this.io.readLine) {
        if (!this.warned) this.io.noStdin();
        this.warned = true;
        this.eof = true;
      } else {
        const line = this.io.readLine();
        // End of input stays: the program's later reads return 0 too.
        if (line === null || line === '') this.eof = true;
        else this.pending = new TextEncoder().encode(line);
      }
    }
    const data = this.pending.slice(0, size);
    this.pending = this.pending.subarray(data.length);
    return { ret: 0, data };
  }
}

/** Instantiates and runs the program; returns its exit code (traps throw). */
export async function runWasi(module: WebAssembly.Module, args: string[], io: WasiIo, beforeStart: () => void): Promise<number> {
  const fds = [new InputFd(io), new OutputFd((t) => io.write('stdout', t)), new OutputFd((t) => io.write('stderr', t))];
  const shim = new WASI(args, [], fds);
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: shim.wasiImport });
  beforeStart();
  return shim.start(instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
}
