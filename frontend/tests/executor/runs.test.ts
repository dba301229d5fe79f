import { beforeEach, describe, expect, it } from 'vitest';
import {
  ENTRY_CHARS,
  MAX_OUTPUT_ENTRIES,
  initialRunsSlice,
  reduceRunActions,
  type RunAction,
  type RunsSlice,
} from '../../src/store/runs';
import { executionAction, initialSessionState, reduceProviderEvent, useSessionStore } from '../../src/store/session';
import { EXECUTION_LIMITS, type User } from '../../src/types/protocol';

const ada: User = { id: 'a', name: 'Ada', color: '#e11d48', role: 'interviewer' };
const grace: User = { id: 'g', name: 'Grace', color: '#16a34a', role: 'candidate' };

function reduce(actions: RunAction[], state: RunsSlice = initialRunsSlice): RunsSlice {
  return { ...state, ...reduceRunActions(state, actions) };
}

const startLocal: RunAction = { type: 'start', runId: 'L', local: true, by: 'a', name: 'Ada', language: 'python', at: 1 };
const startRemote: RunAction = { type: 'start', runId: 'R', local: false, by: 'g', name: 'Grace', language: 'javascript', at: 1 };

describe('run reducer', () => {
  it('starts a local run in the loading phase with a header entry', () => {
    const s = reduce([startLocal]);
    expect(s.localRunId).toBe('L');
    expect(s.runs[0]).toMatchObject({ id: 'L', phase: 'loading', progress: null, result: null });
    expect(s.output).toEqual([{ id: 1, kind: 'run', runId: 'L', name: 'Ada', language: 'python', local: true }]);
  });

  it('records download progress while loading', () => {
    const s = reduce([startLocal, { type: 'progress', runId: 'L', loaded: 3, total: 6 }]);
    expect(s.runs[0]!.progress).toEqual({ loaded: 3, total: 6 });
  });

  it('clears progress when user code starts', () => {
    const s = reduce([startLocal, { type: 'progress', runId: 'L', loaded: 3, total: 6 }, { type: 'executing', runId: 'L' }]);
    expect(s.runs[0]).toMatchObject({ phase: 'running', progress: null });
  });

  it('coalesces consecutive text of one stream into one entry', () => {
    const s = reduce([startLocal, { type: 'output', runId: 'L', stream: 'stdout', text: 'a' }, { type: 'output', runId: 'L', stream: 'stdout', text: 'b' }]);
    expect(s.output.slice(1)).toEqual([{ id: 2, kind: 'stdout', text: 'ab', runId: 'L' }]);
  });

  it('starts a new entry when the stream changes', () => {
    const s = reduce([
      startLocal,
      { type: 'output', runId: 'L', stream: 'stdout', text: 'a' },
      { type: 'output', runId: 'L', stream: 'stderr', text: 'b' },
    ]);
    expect(s.output.slice(1).map((e) => e.kind)).toEqual(['stdout', 'stderr']);
  });

  it('splits long text into entries of ENTRY_CHARS', () => {
    const s = reduce([startLocal, { type: 'output', runId: 'L', stream: 'stdout', text: 'x'.repeat(ENTRY_CHARS * 2 + 1) }]);
    expect(s.output.slice(1).map((e) => ('text' in e ? e.text.length : 0))).toEqual([ENTRY_CHARS, ENTRY_CHARS, 1]);
  });

  it('drops the oldest entries past MAX_OUTPUT_ENTRIES and counts them', () => {
    const actions: RunAction[] = [startLocal];
    for (let i = 0; i < MAX_OUTPUT_ENTRIES + 10; i++) {
      actions.push({ type: 'output', runId: 'L', stream: i % 2 ? 'stdout' : 'stderr', text: `${i}` });
    }
    const s = reduce(actions);
    expect(s.output).toHaveLength(MAX_OUTPUT_ENTRIES);
    expect(s.outputDropped).toBe(11);
  });

  it('waits for input on stdin_request and resumes when stdin is echoed', () => {
    const waiting = reduce([startLocal, { type: 'executing', runId: 'L' }, { type: 'stdin_request', runId: 'L' }]);
    expect(waiting.runs[0]!.phase).toBe('input');
    const resumed = reduce([{ type: 'output', runId: 'L', stream: 'stdin', text: '5\n' }], waiting);
    expect(resumed.runs[0]!.phase).toBe('running');
  });

  it('finishes with an exit entry and frees the local slot', () => {
    const s = reduce([startLocal, { type: 'finish', runId: 'L', at: 2, result: { status: 'ok', exitCode: 0, durationMs: 12 } }]);
    expect(s.localRunId).toBeNull();
    expect(s.runs[0]).toMatchObject({ phase: 'finished', result: { status: 'ok', exitCode: 0, durationMs: 12 } });
    expect(s.output[1]).toEqual({ id: 2, kind: 'exit', code: 0, durationMs: 12, status: 'ok', runId: 'L' });
  });

  it('marks the line of an error', () => {
    const s = reduce([
      startLocal,
      { type: 'finish', runId: 'L', at: 2, result: { status: 'error', exitCode: 1, durationMs: 1, error: { message: 'NameError', line: 4 } } },
    ]);
    expect(s.markers).toEqual([{ severity: 'error', line: 4, message: 'NameError' }]);
  });

  it('marks every compiler diagnostic with its severity', () => {
    const diagnostics = [
      { severity: 'warning' as const, line: 2, column: 7, message: "unused variable 'x'" },
      { severity: 'error' as const, line: 5, column: 3, message: "use of undeclared identifier 'y'" },
    ];
    const s = reduce([startLocal, { type: 'finish', runId: 'L', at: 2, result: { status: 'error', exitCode: 1, durationMs: 1, diagnostics } }]);
    expect(s.markers).toEqual(diagnostics);
  });

  it('adds the error position to the diagnostics once', () => {
    const s = reduce([
      startLocal,
      {
        type: 'finish',
        runId: 'L',
        at: 2,
        result: {
          status: 'error',
          exitCode: 1,
          durationMs: 1,
          error: { message: "use of undeclared identifier 'y'", line: 5, column: 3 },
          diagnostics: [
            { severity: 'error', line: 5, column: 3, message: "use of undeclared identifier 'y'" },
            { severity: 'error', line: 5, column: 3, message: "use of undeclared identifier 'y'" },
            { severity: 'warning', line: 1, message: 'w' },
          ],
        },
      },
    ]);
    expect(s.markers).toEqual([
      { severity: 'error', line: 5, column: 3, message: "use of undeclared identifier 'y'" },
      { severity: 'warning', line: 1, message: 'w' },
    ]);
  });

  it('keeps a runtime error at a line that only has a warning', () => {
    const s = reduce([
      startLocal,
      {
        type: 'finish',
        runId: 'L',
        at: 2,
        result: {
          status: 'error',
          exitCode: 1,
          durationMs: 1,
          error: { message: 'Segmentation fault', line: 3 },
          diagnostics: [{ severity: 'warning', line: 3, message: 'unused result' }],
        },
      },
    ]);
    expect(s.markers).toEqual([
      { severity: 'warning', line: 3, message: 'unused result' },
      { severity: 'error', line: 3, message: 'Segmentation fault' },
    ]);
  });

  it('clears the markers when the next run starts', () => {
    const failed = reduce([
      startLocal,
      {
        type: 'finish',
        runId: 'L',
        at: 2,
        result: { status: 'error', exitCode: 1, durationMs: 1, diagnostics: [{ severity: 'error', line: 4, message: 'E' }] },
      },
    ]);
    expect(failed.markers).toHaveLength(1);
    expect(reduce([startRemote], failed).markers).toEqual([]);
  });

  it('ignores relayed output for a run of another member', () => {
    const s = reduce([startRemote, { type: 'output', runId: 'R', stream: 'stdout', text: 'spoof', from: 'x' }]);
    expect(s.output).toHaveLength(1);
  });

  it('ignores relayed results for our own run', () => {
    const s = reduce([startLocal, { type: 'finish', runId: 'L', at: 2, from: 'g', result: { status: 'ok', exitCode: 0, durationMs: 1 } }]);
    expect(s.runs[0]!.phase).toBe('loading');
  });

  it('notes once that a remote run reached the sharing limit', () => {
    const half = 'x'.repeat(EXECUTION_LIMITS.runBytes / 2);
    const s = reduce([
      startRemote,
      { type: 'output', runId: 'R', stream: 'stdout', text: half, from: 'g' },
      { type: 'output', runId: 'R', stream: 'stdout', text: half, from: 'g' },
      { type: 'output', runId: 'R', stream: 'stdout', text: 'late', from: 'g' },
    ]);
    expect(s.output.filter((e) => e.kind === 'info').map((e) => ('text' in e ? e.text : ''))).toEqual(['Only the first 1 MiB of output is shared.']);
  });

  it('ends the active runs of a member who left', () => {
    const s = reduce([startRemote, { type: 'member_left', by: 'g' }]);
    expect(s.runs[0]).toMatchObject({ phase: 'finished', result: null });
  });

  it('expires remote runs that went silent', () => {
    const s = reduce([startRemote, { type: 'expire', now: 1 + 5000, maxIdleMs: 4999 }]);
    expect(s.runs[0]!.phase).toBe('finished');
  });

  it('keeps remote runs that spoke recently', () => {
    const s = reduce([startRemote, { type: 'expire', now: 1 + 5000, maxIdleMs: 5000 }]);
    expect(s.runs[0]!.phase).toBe('loading');
  });
});

describe('session store: execution events', () => {
  beforeEach(() => useSessionStore.getState().reset());

  it('turns a relayed start into a remote run', () => {
    const state = { ...initialSessionState, self: ada, participants: [ada, grace] };
    expect(executionAction(state, { run_id: 'R', by: 'g', type: 'started', language: 'python', name: 'Grace' }, 5)).toEqual({
      type: 'start',
      runId: 'R',
      local: false,
      by: 'g',
      name: 'Grace',
      language: 'python',
      at: 5,
    });
  });

  it('ignores our own relayed events', () => {
    const state = { ...initialSessionState, self: ada };
    expect(executionAction(state, { run_id: 'R', by: 'a', type: 'started', language: 'python', name: 'Ada' })).toBeNull();
  });

  it('batches relayed events until the next flush', () => {
    const store = useSessionStore.getState();
    store.handle({ type: 'execution', event: { run_id: 'R', by: 'g', type: 'started', language: 'python', name: 'Grace' } });
    store.handle({ type: 'execution', event: { run_id: 'R', by: 'g', type: 'output', stream: 'stdout', text: 'hi' } });
    expect(useSessionStore.getState().runs).toEqual([]);
    store.flushRuns();
    expect(useSessionStore.getState().output.map((e) => e.kind)).toEqual(['run', 'stdout']);
  });

  it('forgets remote runs after a reconnect', () => {
    const running = { ...initialSessionState, ...reduceRunActions(initialSessionState, [startRemote]) };
    const next = reduceProviderEvent(running, {
      type: 'joined',
      user: ada,
      participants: [ada],
      session: { id: 's', title: 'T', language: 'python', expires_at: '2030-01-01T00:00:00.000Z' },
      firstJoin: false,
    });
    expect(next.runs![0]!.phase).toBe('finished');
  });

  it('takes the run time limit from session_updated', () => {
    const next = reduceProviderEvent(initialSessionState, { type: 'session', title: 'T', expiresAt: 'x', runTimeoutSeconds: 30 });
    expect(next.runTimeoutSeconds).toBe(30);
  });

  it('takes the run settings from session_updated', () => {
    const runSettings = { c_flags: '-O2', sql_setup: 'CREATE TABLE t (x);' };
    const next = reduceProviderEvent(initialSessionState, { type: 'session', title: 'T', expiresAt: 'x', runSettings });
    expect(next.runSettings).toEqual(runSettings);
  });

  it('keeps the run settings when session_updated has none', () => {
    const state = { ...initialSessionState, runSettings: { cpp_flags: '-O2' } };
    expect(reduceProviderEvent(state, { type: 'session', title: 'T', expiresAt: 'x' }).runSettings).toBeUndefined();
  });

  it('takes the run settings from the join', () => {
    const next = reduceProviderEvent(initialSessionState, {
      type: 'joined',
      user: ada,
      participants: [ada],
      session: { id: 's', title: 'T', language: 'c', expires_at: '2030-01-01T00:00:00.000Z', run_settings: { c_flags: '-std=c11' } },
      firstJoin: true,
    });
    expect(next.runSettings).toEqual({ c_flags: '-std=c11' });
  });
});
