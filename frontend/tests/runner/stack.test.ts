import { describe, expect, it } from 'vitest';
import { cleanStack, pythonErrorPosition, sucraseErrorPosition, userFramePosition } from '../../runner/src/stack';

const URL = 'blob:http://localhost:8001/6f1c2c1e-8b8f-4c35-9a4e-0d4bd1a5e1c2';
const WORKER = 'http://localhost:8001/assets/js.worker-AbC123.js';

const stack = [
  'TypeError: Cannot read properties of undefined',
  `    at inner (${URL}:7:13)`,
  `    at outer (${URL}:3:3)`,
  `    at ${URL}:10:1`,
  `    at runProgram (${WORKER}:1:2000)`,
].join('\n');

describe('userFramePosition', () => {
  it('takes the innermost frame of the user module', () => {
    expect(userFramePosition(stack, URL)).toEqual({ line: 7, column: 13 });
  });
  it('ignores frames of other scripts', () => {
    expect(userFramePosition(`Error: x\n    at f (${WORKER}:1:5)\n    at ${URL}:2:9`, URL)).toEqual({ line: 2, column: 9 });
  });
  it('returns undefined when no frame is in the user module', () => {
    expect(userFramePosition(`Error: x\n    at f (${WORKER}:1:5)`, URL)).toBeUndefined();
  });
});

describe('cleanStack', () => {
  it('names the module main.js and drops the runner frames', () => {
    expect(cleanStack(stack, URL, 'main.js')).toBe(
      [
        'TypeError: Cannot read properties of undefined',
        '    at inner (main.js:7:13)',
        '    at outer (main.js:3:3)',
        '    at main.js:10:1',
      ].join('\n'),
    );
  });
  it('keeps engine frames between user frames', () => {
    const s = `Error: x\n    at main (${URL}:2:5)\n    at Array.map (<anonymous>)\n    at ${URL}:4:3`;
    expect(cleanStack(s, URL, 'main.js')).toBe('Error: x\n    at main (main.js:2:5)\n    at Array.map (<anonymous>)\n    at main.js:4:3');
  });
  it('keeps a multi-line message', () => {
    const s = `Error: line one\nline two\n    at ${URL}:1:7`;
    expect(cleanStack(s, URL, 'main.ts')).toBe('Error: line one\nline two\n    at main.ts:1:7');
  });
});

describe('sucraseErrorPosition', () => {
  it('reads line and column from the end of the message', () => {
    expect(sucraseErrorPosition('Unexpected token, expected "," (2:14)')).toEqual({ line: 2, column: 14 });
  });
  it('returns undefined for a message without position', () => {
    expect(sucraseErrorPosition('Unexpected token')).toBeUndefined();
  });
});

describe('pythonErrorPosition', () => {
  it('takes the last frame in main.py', () => {
    const tb = [
      'Traceback (most recent call last):',
      '  File "main.py", line 4, in <module>',
      '    f()',
      '  File "main.py", line 3, in f',
      '    return 1/0',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(pythonErrorPosition(tb)).toEqual({ line: 3 });
  });
  it('ignores frames of standard-library files', () => {
    const tb = [
      'Traceback (most recent call last):',
      '  File "main.py", line 2, in <module>',
      '  File "/lib/python3.14/json/__init__.py", line 346, in loads',
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
    ].join('\n');
    expect(pythonErrorPosition(tb)).toEqual({ line: 2 });
  });
  it('reads the line of a SyntaxError', () => {
    const tb = ['  File "main.py", line 5', '    print(', '         ^', "SyntaxError: '(' was never closed"].join('\n');
    expect(pythonErrorPosition(tb)).toEqual({ line: 5 });
  });
  it('returns undefined without a user frame', () => {
    expect(pythonErrorPosition('KeyboardInterrupt')).toBeUndefined();
  });
});
