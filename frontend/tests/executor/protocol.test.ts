import { describe, expect, it } from 'vitest';
import { parseAppMessage, parseRunnerMessage } from '../../src/services/executor/protocol';
import { parseExecutionEvent } from '../../src/types/protocol';

const N = 'abc123';

describe('parseRunnerMessage', () => {
  const valid: Array<[string, unknown]> = [
    ['ready', { type: 'ready', isolated: true }],
    ['progress', { type: 'progress', nonce: N, loaded: 10, total: 100 }],
    ['started', { type: 'started', nonce: N }],
    ['stdout', { type: 'output', nonce: N, stream: 'stdout', text: 'hi\n' }],
    ['stderr', { type: 'output', nonce: N, stream: 'stderr', text: '' }],
    ['stdin-request', { type: 'stdin-request', nonce: N }],
    ['finished', { type: 'finished', nonce: N, status: 'ok', exitCode: 0, durationMs: 3 }],
    [
      'finished with error',
      { type: 'finished', nonce: N, status: 'error', exitCode: 1, durationMs: 3, error: { message: 'x', position: { line: 2, column: 5 } } },
    ],
    ['notice without run', { type: 'notice', nonce: null, message: 'm' }],
    ['notice of a run', { type: 'notice', nonce: N, message: 'm' }],
  ];
  it.each(valid)('accepts %s unchanged', (_name, message) => {
    expect(parseRunnerMessage(message)).toEqual(message);
  });

  it('drops fields it does not know', () => {
    expect(parseRunnerMessage({ type: 'started', nonce: N, extra: 1 })).toEqual({ type: 'started', nonce: N });
  });

  const invalid: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { nonce: N }],
    ['unknown type', { type: 'eval', nonce: N }],
    ['ready without isolated', { type: 'ready' }],
    ['ready with a string flag', { type: 'ready', isolated: 'yes' }],
    ['progress without nonce', { type: 'progress', loaded: 1, total: 2 }],
    ['progress with NaN', { type: 'progress', nonce: N, loaded: Number.NaN, total: 2 }],
    ['started with a numeric nonce', { type: 'started', nonce: 1 }],
    ['output on stdin', { type: 'output', nonce: N, stream: 'stdin', text: 'x' }],
    ['output without text', { type: 'output', nonce: N, stream: 'stdout' }],
    ['finished with an unknown status', { type: 'finished', nonce: N, status: 'done', exitCode: 0, durationMs: 1 }],
    ['finished without exitCode', { type: 'finished', nonce: N, status: 'ok', durationMs: 1 }],
    ['finished with Infinity duration', { type: 'finished', nonce: N, status: 'ok', exitCode: 0, durationMs: Infinity }],
    ['finished with a bad error', { type: 'finished', nonce: N, status: 'error', exitCode: 1, durationMs: 1, error: 'boom' }],
    [
      'finished with a bad position',
      { type: 'finished', nonce: N, status: 'error', exitCode: 1, durationMs: 1, error: { message: 'x', position: { line: '2' } } },
    ],
    ['notice without message', { type: 'notice', nonce: null }],
    ['notice with a numeric nonce', { type: 'notice', nonce: 3, message: 'm' }],
  ];
  it.each(invalid)('rejects %s', (_name, message) => {
    expect(parseRunnerMessage(message)).toBeNull();
  });
});

describe('parseAppMessage', () => {
  const valid: Array<[string, unknown]> = [
    ['run', { type: 'run', nonce: N, language: 'python', code: 'print(1)', timeoutMs: 10_000 }],
    ['stdin', { type: 'stdin', nonce: N, text: '1\n' }],
    ['stdin-end', { type: 'stdin-end', nonce: N }],
    ['stop', { type: 'stop', nonce: N }],
    ['preload', { type: 'preload', language: 'typescript' }],
  ];
  it.each(valid)('accepts %s unchanged', (_name, message) => {
    expect(parseAppMessage(message)).toEqual(message);
  });

  const invalid: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['a number', 7],
    ['unknown type', { type: 'ready', isolated: true }],
    ['run of a language the runner does not know', { type: 'run', nonce: N, language: 'kotlin', code: '', timeoutMs: 1000 }],
    ['run with options that are not an object', { type: 'run', nonce: N, language: 'c', code: '', timeoutMs: 1000, options: 'x' }],
    ['run with a non-string compiler flag', { type: 'run', nonce: N, language: 'c', code: '', timeoutMs: 1000, options: { compilerFlags: 3 } }],
    ['run without code', { type: 'run', nonce: N, language: 'python', timeoutMs: 1000 }],
    ['run with a zero time limit', { type: 'run', nonce: N, language: 'python', code: '', timeoutMs: 0 }],
    ['run with a negative time limit', { type: 'run', nonce: N, language: 'python', code: '', timeoutMs: -5 }],
    ['run without nonce', { type: 'run', language: 'python', code: '', timeoutMs: 1000 }],
    ['stdin without text', { type: 'stdin', nonce: N }],
    ['stdin-end without nonce', { type: 'stdin-end' }],
    ['stop without nonce', { type: 'stop' }],
    ['preload of an unknown language', { type: 'preload', language: 'cobol' }],
  ];
  it.each(invalid)('rejects %s', (_name, message) => {
    expect(parseAppMessage(message)).toBeNull();
  });
});

describe('parseExecutionEvent', () => {
  const valid: Array<[string, unknown]> = [
    ['started', { run_id: 'r', by: 'u1', type: 'started', language: 'python', name: 'Ada' }],
    ['output', { run_id: 'r', by: 'u1', type: 'output', stream: 'stdin', text: '5\n' }],
    ['finished', { run_id: 'r', by: 'u1', type: 'finished', status: 'timeout', exit_code: -1, duration_ms: 10_000 }],
    [
      'finished with an error line',
      { run_id: 'r', by: 'u1', type: 'finished', status: 'error', exit_code: 1, duration_ms: 4, error: { message: 'NameError', line: 3 } },
    ],
  ];
  it.each(valid)('accepts %s unchanged', (_name, event) => {
    expect(parseExecutionEvent(event)).toEqual(event);
  });

  const invalid: Array<[string, unknown]> = [
    ['no by', { run_id: 'r', type: 'started', language: 'python', name: 'Ada' }],
    ['empty run_id', { run_id: '', by: 'u1', type: 'started', language: 'python', name: 'Ada' }],
    ['unknown type', { run_id: 'r', by: 'u1', type: 'paused' }],
    ['unknown stream', { run_id: 'r', by: 'u1', type: 'output', stream: 'stdlog', text: '' }],
    ['unknown status', { run_id: 'r', by: 'u1', type: 'finished', status: 'weird', exit_code: 0, duration_ms: 1 }],
    ['fractional exit code', { run_id: 'r', by: 'u1', type: 'finished', status: 'ok', exit_code: 0.5, duration_ms: 1 }],
    ['negative duration', { run_id: 'r', by: 'u1', type: 'finished', status: 'ok', exit_code: 0, duration_ms: -1 }],
    ['line 0', { run_id: 'r', by: 'u1', type: 'finished', status: 'error', exit_code: 1, duration_ms: 1, error: { message: 'x', line: 0 } }],
  ];
  it.each(invalid)('rejects %s', (_name, event) => {
    expect(parseExecutionEvent(event)).toBeNull();
  });
});
