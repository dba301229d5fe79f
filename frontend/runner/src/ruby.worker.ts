import { Fd, PreopenDirectory, WASI, WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim';
import { RubyVM } from '@ruby/wasm-wasi';
import type { WorkerRun } from '../../src/services/executor/protocol';
import type { OutputBatcher } from './outputBatcher';
import { rubyErrorPosition, rubyErrorSummary } from './scriptErrors';
import { RuntimeCache } from './runtimeCache';
import { createBatcher, noStdinMessage, serveScriptRuntime, stdinReader, type RuntimeFile } from './scriptRuntime';
import type { WorkerHost } from './workerHost';

/**
 * The Ruby run worker: CRuby 3.4 with its standard library (ruby.wasm, WASI).
 * The module is compiled once; every run gets a fresh VM (so classes and
 * constants of the last run are gone), and the next VM is made ready right
 * after a run ends. Standard output and error go to the batcher, standard
 * input (fd 0) blocks on the stdin buffer.
 */

declare const __RUBY_FILES__: RuntimeFile[];

const USER_FILE = 'main.rb';

/** Evaluated in each new VM: unbuffered output, and PairpadRunner.run(base64 code) → fields joined by NUL. */
const PRELUDE = `
$stdout.sync = true
$stderr.sync = true
$0 = ${JSON.stringify(USER_FILE)}
module PairpadRunner
  FILE = ${JSON.stringify(USER_FILE)}
  def self.run(b64)
    code = b64.unpack1("m").force_encoding(Encoding::UTF_8)
    result = begin
      TOPLEVEL_BINDING.eval(code, FILE, 1)
      ["ok", 0, "", "", ""]
    rescue SystemExit => e
      [e.success? ? "ok" : "error", e.status, "SystemExit", e.status.to_s, ""]
    rescue Exception => e
      bt = (e.backtrace || []).select { |l| l.start_with?("#{FILE}:") }
      begin
        e.set_backtrace(bt)
        $stderr.write(e.full_message(highlight: false))
      rescue Exception
        STDERR.write("#{e.class}\\n")
      end
      message = (e.message.to_s rescue "")
      ["error", 1, e.class.name.to_s, message, bt.join("\\n")]
    end
    ($stdout.flush rescue nil)
    result.join("\\0")
  end
end
`;

/** What the Fds of every VM write to and read from: the current run's. */
const io: { out: OutputBatcher | null; readLine: (() => string | null) | null; stdinRefused: boolean } = {
  out: null,
  readLine: null,
  stdinRefused: false,
};

/** stdout/stderr: not a terminal (no colour codes), every write goes to the batcher. */
class OutputFd extends Fd {
  private readonly decoder = new TextDecoder();
  constructor(private readonly stream: 'stdout' | 'stderr') {
    super();
  }
  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    io.out?.write(this.stream, this.decoder.decode(data, { stream: true }));
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }
  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }
  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }
}

/** stdin: lines from the page, handed out in pieces of the size asked for. */
class InputFd extends Fd {
  private pending = new Uint8Array(0);
  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (this.pending.length === 0) {
      if (!io.readLine) {
        io.stdinRefused = true;
        return { ret: wasi.ERRNO_NOTSUP, data: new Uint8Array(0) };
      }
      const line = io.readLine();
      // End of input: a read of 0 bytes (and the same for every later read of the run).
      if (line === null) return { ret: wasi.ERRNO_SUCCESS, data: new Uint8Array(0) };
      this.pending = new TextEncoder().encode(line);
    }
    const data = this.pending.slice(0, size);
    this.pending = this.pending.subarray(data.length);
    return { ret: wasi.ERRNO_SUCCESS, data };
  }
  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_READ);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }
  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }
}

let rubyModule: WebAssembly.Module | null = null;
/** The VM the next run uses (created after the previous run). */
let spare: Promise<RubyVM> | null = null;

async function newVm(): Promise<RubyVM> {
  const fds = [new InputFd(), new OutputFd('stdout'), new OutputFd('stderr'), new PreopenDirectory('/', new Map())];
  const wasip1 = new WASI([], [], fds, { debug: false });
  // No RubyGems: nothing can be installed offline, and it makes a VM ≈4× slower to start.
  const { vm } = await RubyVM.instantiateModule({ module: rubyModule!, wasip1, args: ['ruby.wasm', '-EUTF-8', '--disable-gems', '-e_=0'] });
  vm.eval(PRELUDE);
  return vm;
}

async function load(host: WorkerHost): Promise<void> {
  // 30 MB raw: the HTTP cache does not keep it between pages, Cache Storage does (checked against
  // the build's SHA-256: any program this origin runs can write there).
  const file = __RUBY_FILES__[0]!;
  const url = new URL(file.url, self.location.href);
  const base = new URL('.', url).href;
  const cache = new RuntimeCache(base, new URL('..', base).href, {
    fetch: (input, init) => fetch(input, init),
    caches: typeof caches === 'undefined' ? null : caches,
    now: () => performance.now(),
  });
  const name = url.href.slice(base.length);
  await cache.prefetch([{ name, bytes: file.bytes, sha256: file.sha256 }], (loaded, total) => host.send({ type: 'progress', loaded, total }));
  rubyModule = await WebAssembly.compileStreaming(cache.response(cache.url(name)));
  spare = newVm();
  await spare;
  io.out = createBatcher(host);
  host.send({ type: 'loaded' });
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const out = io.out!;
  out.reset();
  const vm = await (spare ?? newVm());
  spare = null;
  io.readLine = stdinReader(host, out);
  io.stdinRefused = false;
  host.send({ type: 'started' });
  let fields: string[];
  try {
    fields = vm.eval(`PairpadRunner.run(${JSON.stringify(base64(msg.code))})`).toString().split('\0');
  } catch (err) {
    // exit! ends the WASI process; anything else means the VM itself failed.
    if (err instanceof WASIProcExit) fields = [err.code === 0 ? 'ok' : 'error', String(err.code), 'SystemExit', String(err.code), ''];
    else fields = ['error', '1', 'Error', `the Ruby VM failed: ${err instanceof Error ? err.message : String(err)}`, ''];
  }
  out.flush();
  const [status, code, className = '', message = '', backtrace = ''] = fields;
  const exitCode = Number(code) || 0;
  if (status === 'ok') {
    host.send({ type: 'done', status: 'ok', exitCode: 0 });
  } else if (io.stdinRefused) {
    const text = noStdinMessage('gets');
    out.write('stderr', `${text}\n`);
    out.flush();
    host.send({ type: 'done', status: 'error', exitCode: 1, error: { message: text } });
  } else {
    const position = className === 'SystemExit' ? undefined : rubyErrorPosition(message, backtrace ? backtrace.split('\n') : [], USER_FILE);
    host.send({
      type: 'done',
      status: 'error',
      exitCode: exitCode || 1,
      error: { message: rubyErrorSummary(className, message, USER_FILE), ...(position ? { position } : {}) },
    });
  }
  io.readLine = null;
  // The next run starts from a fresh VM, made ready now while the user reads the output.
  spare = newVm();
  spare.catch(() => undefined);
}

serveScriptRuntime({ load, run });
