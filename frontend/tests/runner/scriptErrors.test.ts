import { describe, expect, it } from 'vitest';
import {
  cleanLuaTraceback,
  luaErrorPosition,
  luaErrorSummary,
  rubyErrorPosition,
  rubyErrorSummary,
  stripAnsi,
} from '../../runner/src/scriptErrors';

const luaTraceback = [
  "main.lua:2: attempt to index a nil value (upvalue 'x')",
  'stack traceback:',
  "\tmain.lua:2: in local 'f'",
  '\tmain.lua:3: in main chunk',
  "\t[C]: in function 'xpcall'",
  '\t[string "..."]:5: in function \'__pp_run\'',
].join('\n');

describe('Lua errors', () => {
  it('take the line from the message prefix', () => {
    expect(luaErrorPosition("main.lua:2: attempt to index a nil value (upvalue 'x')", luaTraceback)).toEqual({ line: 2 });
    expect(luaErrorPosition("main.lua:7: '=' expected near 'x'", '')).toEqual({ line: 7 });
  });

  it('fall back to the innermost user frame for error objects', () => {
    const tb = ['(error object is a table value)', 'stack traceback:', "\t[C]: in function 'error'", '\tmain.lua:4: in main chunk'].join('\n');
    expect(luaErrorPosition('(error object is a table value)', tb)).toEqual({ line: 4 });
  });

  it('have no line when nothing points into the chunk', () => {
    expect(luaErrorPosition('boom', 'boom\nstack traceback:\n\t[C]: in ?')).toBeUndefined();
  });

  it('drop the position prefix from the summary', () => {
    expect(luaErrorSummary('main.lua:2: attempt to call a nil value')).toBe('attempt to call a nil value');
    expect(luaErrorSummary('plain')).toBe('plain');
  });

  it("keep the traceback up to the program's outermost frame", () => {
    expect(cleanLuaTraceback(luaTraceback)).toBe(
      ["main.lua:2: attempt to index a nil value (upvalue 'x')", 'stack traceback:', "\tmain.lua:2: in local 'f'", '\tmain.lua:3: in main chunk'].join('\n'),
    );
  });
});

describe('Ruby errors', () => {
  it('take the line from the innermost backtrace entry in the file', () => {
    expect(rubyErrorPosition('boom', ["main.rb:2:in 'Object#f'", "main.rb:4:in '<main>'"])).toEqual({ line: 2 });
  });

  it('take the line of a syntax error from its message', () => {
    const message = 'main.rb:2: syntax errors found\n\u001b[1;31m> \u001b[m\u001b[2m2 | \u001b[mdef (\n';
    expect(rubyErrorPosition(message, [])).toEqual({ line: 2 });
  });

  it('have no line without a backtrace entry or prefix', () => {
    expect(rubyErrorPosition('exit', [])).toBeUndefined();
  });

  it('summarize as Class: first line', () => {
    expect(rubyErrorSummary('NameError', "undefined local variable or method 'x' for main\n\n  hint")).toBe(
      "NameError: undefined local variable or method 'x' for main",
    );
    expect(rubyErrorSummary('RuntimeError', '')).toBe('RuntimeError');
  });

  it('summarize a syntax error by its first complaint', () => {
    const message = [
      'main.rb:2: syntax errors found',
      '  1 | x = 1',
      '> 2 | def (',
      '    |      ^ expected a receiver for the method definition',
      '    |      ^ unexpected end-of-input',
    ].join('\n');
    expect(rubyErrorSummary('SyntaxError', message)).toBe('SyntaxError: expected a receiver for the method definition');
  });

  it('strips terminal colours', () => {
    expect(stripAnsi('\u001b[1;31m^\u001b[m x')).toBe('^ x');
  });
});
