import { LuaFactory } from 'wasmoon';
import type { WorkerRun } from '../../src/services/executor/protocol';
import type { OutputBatcher } from './outputBatcher';
import { cleanLuaTraceback, luaErrorPosition, luaErrorSummary } from './scriptErrors';
import { createBatcher, fetchRuntime, noStdinMessage, serveScriptRuntime, stdinReader, type RuntimeFile } from './scriptRuntime';
import type { WorkerHost } from './workerHost';

/**
 * The Lua run worker: Lua 5.4 (wasmoon), the WebAssembly module loaded once
 * and kept warm; every run gets a fresh Lua state. Standard output, standard
 * error and standard input of the program are Lua-level files backed by the
 * page (output batched, stdin blocking on the stdin buffer), so that nothing
 * waits in C stdio buffers.
 */

declare const __LUA_FILES__: RuntimeFile[];

const CHUNK = 'main.lua';

/**
 * Installed in each fresh state before the program: print, io.write/read/lines,
 * io.stdin/stdout/stderr and os.exit, and `__pp_run`, which runs the program
 * protected and returns { status, code, msg, tb }.
 */
const PRELUDE = `
local js_write, js_readline, no_stdin = __pp_write, __pp_readline, __pp_no_stdin
__pp_write, __pp_readline, __pp_no_stdin = nil, nil, nil
local select, tostring, type, error, setmetatable, getmetatable = select, tostring, type, error, setmetatable, getmetatable
local concat, unpack, pack, mtype, tointeger = table.concat, table.unpack, table.pack, math.type, math.tointeger
local real_open, real_lines = io.open, io.lines

local function towrite(i, v)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return mtype(v) == 'float' and ('%.14g'):format(v) or tostring(v) end
  error(("bad argument #%d to 'write' (string expected, got %s)"):format(i, t), 3)
end

local function writer(fd)
  return function(self, ...)
    local n = select('#', ...)
    if n == 1 then js_write(fd, towrite(1, ...)) return self end
    local parts = {}
    for i = 1, n do parts[i] = towrite(i, (select(i, ...))) end
    js_write(fd, concat(parts))
    return self
  end
end

local function std_file(name, methods)
  methods.close = function() return nil, 'cannot close standard file' end
  methods.flush = function(self) return self end
  methods.setvbuf = function() return true end
  methods.seek = function() return nil, 'Illegal seek', 29 end
  return setmetatable({}, { __index = methods, __name = 'FILE*', __tostring = function() return 'file (' .. name .. ')' end })
end

local stdout = std_file('stdout', { write = writer(1) })
local stderr = std_file('stderr', { write = writer(2) })

-- stdin: lines from the page, buffered here so that every read format works.
local buf, eof = '', false
local function fill()
  if eof then return false end
  if no_stdin then error(no_stdin, 0) end
  local line = js_readline()
  if line == nil then eof = true return false end
  buf = buf .. line
  return true
end
local function read_line(keep)
  while true do
    local i = buf:find('\\n', 1, true)
    if i then
      local s = buf:sub(1, keep and i or i - 1)
      buf = buf:sub(i + 1)
      return s
    end
    if not fill() then
      if buf == '' then return nil end
      local s = buf
      buf = ''
      return s
    end
  end
end
local function read_number()
  while true do
    buf = buf:sub((buf:match('^%s*()')))
    if buf ~= '' then break end
    if not fill() then return nil end
  end
  local s = buf:match('^[%+%-]?0[xX][%x%.]*[pP][%+%-]?%d+') or buf:match('^[%+%-]?0[xX][%x%.]*')
    or buf:match('^[%+%-]?%d*%.?%d*[eE][%+%-]?%d+') or buf:match('^[%+%-]?%d*%.?%d*')
  buf = buf:sub(#s + 1)
  return tonumber(s)
end
local function read_chars(n)
  if n == 0 then return (buf ~= '' or fill()) and '' or nil end
  while #buf < n and fill() do end
  if buf == '' then return nil end
  local s = buf:sub(1, n)
  buf = buf:sub(n + 1)
  return s
end
local function read_all()
  while fill() do end
  local s = buf
  buf = ''
  return s
end
local function read1(i, fmt)
  if type(fmt) == 'number' then
    return read_chars(tointeger(fmt) or error(("bad argument #%d to 'read' (number has no integer representation)"):format(i), 3))
  end
  local c = type(fmt) == 'string' and fmt:gsub('^%*', ''):sub(1, 1)
  if c == 'l' then return read_line(false) end
  if c == 'L' then return read_line(true) end
  if c == 'n' then return read_number() end
  if c == 'a' then return read_all() end
  error(("bad argument #%d to 'read' (invalid format)"):format(i), 3)
end
local function read(_, ...)
  local n = select('#', ...)
  if n == 0 then return read_line(false) end
  local out = {}
  for i = 1, n do
    local v = read1(i, (select(i, ...)))
    out[i] = v
    if v == nil then return unpack(out, 1, i) end
  end
  return unpack(out, 1, n)
end
local stdin
stdin = std_file('stdin', {
  read = read,
  lines = function(_, ...)
    local fmts = pack(...)
    return function() return read(stdin, unpack(fmts, 1, fmts.n)) end
  end,
})

local cur_in, cur_out = stdin, stdout
io.stdin, io.stdout, io.stderr = stdin, stdout, stderr
io.input = function(f)
  if f == nil then return cur_in end
  cur_in = type(f) == 'string' and assert(real_open(f, 'r')) or f
  return cur_in
end
io.output = function(f)
  if f == nil then return cur_out end
  cur_out = type(f) == 'string' and assert(real_open(f, 'w')) or f
  return cur_out
end
io.read = function(...) return cur_in:read(...) end
io.write = function(...) return cur_out:write(...) end
io.lines = function(name, ...)
  if name == nil then return cur_in:lines(...) end
  return real_lines(name, ...)
end
print = function(...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  js_write(1, concat(parts, '\\t') .. '\\n')
end

local exit_mt = {}
os.exit = function(code)
  if code == nil or code == true then code = 0 elseif code == false then code = 1 end
  error(setmetatable({ code = tointeger(code) or 1 }, exit_mt), 0)
end

local function handler(e)
  if getmetatable(e) == exit_mt then return e end
  local msg
  if type(e) == 'string' or type(e) == 'number' then
    msg = tostring(e)
  else
    local mt = getmetatable(e)
    msg = mt and mt.__tostring and tostring(e) or ('(error object is a %s value)'):format(type(e))
  end
  return { msg = msg, tb = debug.traceback(msg, 2) }
end

function __pp_run(code)
  __pp_run = nil
  local fn, err = load(code, '=${CHUNK}', 't')
  if not fn then return { status = 'error', code = 1, msg = err, tb = '' } end
  local ok, e = xpcall(fn, handler)
  if ok then return { status = 'ok', code = 0, msg = '', tb = '' } end
  if getmetatable(e) == exit_mt then
    return { status = e.code == 0 and 'ok' or 'error', code = e.code, msg = 'os.exit(' .. e.code .. ')', tb = '' }
  end
  return { status = 'error', code = 1, msg = e.msg, tb = e.tb }
end
`;

interface LuaResult {
  status: 'ok' | 'error';
  code: number;
  msg: string;
  tb: string;
}

let factory: LuaFactory | null = null;
let batcher: OutputBatcher | null = null;

async function load(host: WorkerHost): Promise<void> {
  // Download with progress; wasmoon then fetches the same immutable URL from the HTTP cache.
  const responses = await fetchRuntime(host, __LUA_FILES__);
  await Promise.all(responses.map((r) => r.arrayBuffer()));
  factory = new LuaFactory(__LUA_FILES__[0]!.url);
  await factory.getLuaModule();
  batcher = createBatcher(host);
  host.send({ type: 'loaded' });
}

async function run(host: WorkerHost, msg: WorkerRun): Promise<void> {
  const out = batcher!;
  out.reset();
  const engine = await factory!.createEngine({ enableProxy: false, injectObjects: false });
  try {
    const readLine = stdinReader(host, out);
    engine.global.set('__pp_write', (fd: number, text: string) => out.write(fd === 2 ? 'stderr' : 'stdout', text));
    // wasmoon cannot pass null (it probes values for `then`): undefined is nil, end of input.
    engine.global.set('__pp_readline', () => readLine?.() ?? undefined);
    if (!readLine) engine.global.set('__pp_no_stdin', noStdinMessage('io.read'));
    await engine.doString(PRELUDE);
    const runUser = engine.global.get('__pp_run') as (code: string) => LuaResult;
    host.send({ type: 'started' });
    const result = runUser(msg.code);
    if (result.status === 'ok') {
      out.flush();
      host.send({ type: 'done', status: 'ok', exitCode: 0 });
      return;
    }
    if (result.tb) out.write('stderr', `lua: ${cleanLuaTraceback(result.tb, CHUNK)}\n`);
    else if (result.code === 1 && !result.msg.startsWith('os.exit')) out.write('stderr', `lua: ${result.msg}\n`);
    out.flush();
    const position = luaErrorPosition(result.msg, result.tb, CHUNK);
    host.send({
      type: 'done',
      status: 'error',
      exitCode: result.code || 1,
      error: { message: luaErrorSummary(result.msg, CHUNK), ...(position ? { position } : {}) },
    });
  } finally {
    engine.global.close();
  }
}

serveScriptRuntime({ load, run });
