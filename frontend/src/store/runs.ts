/**
 * Runs and their output, local and remote, as a pure reducer over a slice of
 * the session store. Output is coalesced (consecutive text of one run and
 * stream grows the last entry up to ENTRY_CHARS) and capped (oldest entries
 * go first), so a program printing in a loop costs a few DOM nodes, not
 * thousands.
 */
import type { ExecutionStatus, ExecutionStream } from '../types/protocol';
import { EXECUTION_LIMITS } from '../types/protocol';
import { utf8Length } from '../services/executor/relay';

/** Longest text of one output entry (then a new entry starts). */
export const ENTRY_CHARS = 8192;
/** Most entries kept in the panel. */
export const MAX_OUTPUT_ENTRIES = 1500;
/** Most characters kept in the panel (about two runs at their output limit). */
export const MAX_OUTPUT_CHARS = 2_500_000;
/** Finished runs remembered (for the latest result and late events). */
const FINISHED_RUNS_KEPT = 8;

/** A problem to show in the editor: a compiler diagnostic or where a program failed (1-based). */
export interface CodeMarker {
  severity: 'error' | 'warning';
  line: number;
  column?: number;
  message: string;
}

export interface RunErrorInfo {
  message: string;
  /** 1-based line in the shared code. */
  line?: number;
  column?: number;
}

/** One line (or event) of the output panel. */
export type OutputEntry =
  | { id: number; kind: 'stdout' | 'stderr' | 'stdin'; text: string; runId?: string }
  | { id: number; kind: 'info'; text: string; runId?: string }
  /** A run begins: who runs which language. */
  | { id: number; kind: 'run'; runId: string; name: string; language: string; local: boolean }
  | {
      id: number;
      kind: 'exit';
      code: number;
      durationMs: number;
      status?: ExecutionStatus;
      error?: RunErrorInfo;
      runId?: string;
    };

/** An entry before the store numbers it. */
export type OutputEntryInput = OutputEntry extends infer E ? (E extends OutputEntry ? Omit<E, 'id'> : never) : never;

export type RunPhase =
  /** The runtime is loading (first run of a language), or the run was just asked for. */
  | 'loading'
  /** User code is executing. */
  | 'running'
  /** The program waits for a line of stdin. */
  | 'input'
  | 'finished';

export interface RunResult {
  status: ExecutionStatus;
  exitCode: number;
  durationMs: number;
  error?: RunErrorInfo;
  /** Compiler errors and warnings (our own runs only: they are not shared). */
  diagnostics?: readonly CodeMarker[];
}

export interface RunState {
  id: string;
  local: boolean;
  /** Member id of the person running (null for our own runs before joining). */
  by: string | null;
  name: string;
  /** Language id. */
  language: string;
  phase: RunPhase;
  progress: { loaded: number; total: number } | null;
  /** Set when finished with a known result (null when it just went away). */
  result: RunResult | null;
  /** Remote runs: UTF-8 bytes of output received (to notice the sharing limit). */
  sharedBytes: number;
  /** Time of the last event (ms, Date.now()), for expiring silent remote runs. */
  updatedAt: number;
}

export interface RunsSlice {
  runs: RunState[];
  /** Our own current run, while it is not finished. */
  localRunId: string | null;
  output: OutputEntry[];
  /** Id of the next output entry. */
  outputSeq: number;
  /** Entries dropped from the top to stay under the caps. */
  outputDropped: number;
  /** The last run's diagnostics and error position, shown in the editor; cleared when a run starts. */
  markers: readonly CodeMarker[];
}

const NO_MARKERS: readonly CodeMarker[] = [];

export const initialRunsSlice: RunsSlice = {
  runs: [],
  localRunId: null,
  output: [],
  outputSeq: 1,
  outputDropped: 0,
  markers: NO_MARKERS,
};

export type RunAction =
  | { type: 'start'; runId: string; local: boolean; by: string | null; name: string; language: string; at: number }
  | { type: 'progress'; runId: string; loaded: number; total: number }
  /** The runtime is loaded and user code started. */
  | { type: 'executing'; runId: string; at?: number }
  /** `from`: the member a relayed event came from (must be the run's); absent for local events. */
  | { type: 'output'; runId: string; stream: ExecutionStream; text: string; at?: number; from?: string }
  | { type: 'stdin_request'; runId: string }
  | { type: 'notice'; runId: string; text: string }
  | { type: 'finish'; runId: string; result: RunResult; at: number; from?: string }
  /** A member left: their runs end without a result. */
  | { type: 'member_left'; by: string }
  /** Remote runs silent for longer than `maxIdleMs` end without a result. */
  | { type: 'expire'; now: number; maxIdleMs: number }
  /** After a reconnect we may have missed `finished` events. */
  | { type: 'forget_remote' }
  | { type: 'append'; entry: OutputEntryInput }
  | { type: 'clear' };

const isActive = (run: RunState) => run.phase !== 'finished';

/** Local events fit local runs; relayed ones only the remote run of their sender. */
const fits = (run: RunState, from: string | undefined) => (from === undefined ? run.local : !run.local && run.by === from);

/** A mutable working copy, so a batch of actions copies arrays once. */
interface Draft {
  runs: RunState[];
  localRunId: string | null;
  output: OutputEntry[];
  outputSeq: number;
  outputDropped: number;
  markers: readonly CodeMarker[];
  chars: number;
}

function entryChars(entry: OutputEntry): number {
  return entry.kind === 'stdout' || entry.kind === 'stderr' || entry.kind === 'stdin' || entry.kind === 'info' ? entry.text.length : 40;
}

function pushEntry(d: Draft, entry: OutputEntryInput): void {
  const full = { ...entry, id: d.outputSeq++ } as OutputEntry;
  d.output.push(full);
  d.chars += entryChars(full);
}

function appendText(d: Draft, runId: string | undefined, stream: ExecutionStream, text: string): void {
  let rest = text;
  while (rest.length > 0) {
    const last = d.output[d.output.length - 1];
    if (last && last.kind === stream && last.runId === runId && last.text.length < ENTRY_CHARS) {
      const take = rest.slice(0, ENTRY_CHARS - last.text.length);
      d.output[d.output.length - 1] = { ...last, text: last.text + take };
      d.chars += take.length;
      rest = rest.slice(take.length);
    } else {
      const take = rest.slice(0, ENTRY_CHARS);
      pushEntry(d, runId === undefined ? { kind: stream, text: take } : { kind: stream, text: take, runId });
      rest = rest.slice(take.length);
    }
  }
}

function trim(d: Draft): void {
  let drop = 0;
  let chars = d.chars;
  while (drop < d.output.length - 1 && (d.output.length - drop > MAX_OUTPUT_ENTRIES || chars > MAX_OUTPUT_CHARS)) {
    chars -= entryChars(d.output[drop]!);
    drop++;
  }
  if (drop > 0) {
    d.output.splice(0, drop);
    d.outputDropped += drop;
    d.chars = chars;
  }
}

function updateRun(d: Draft, runId: string, change: (run: RunState) => RunState | null): RunState | null {
  const i = d.runs.findIndex((r) => r.id === runId);
  if (i < 0) return null;
  const next = change(d.runs[i]!);
  if (next === null) return null;
  d.runs[i] = next;
  return next;
}

function endRun(d: Draft, run: RunState, result: RunResult | null, at: number): RunState {
  if (d.localRunId === run.id) d.localRunId = null;
  return { ...run, phase: 'finished', progress: null, result, updatedAt: at };
}

function pruneFinished(d: Draft): void {
  const finished = d.runs.filter((r) => !isActive(r));
  if (finished.length <= FINISHED_RUNS_KEPT) return;
  const drop = new Set(finished.slice(0, finished.length - FINISHED_RUNS_KEPT).map((r) => r.id));
  d.runs = d.runs.filter((r) => !drop.has(r.id));
}

/** Every diagnostic of a result plus its error position, each once. */
export function resultMarkers(result: RunResult): readonly CodeMarker[] {
  const out: CodeMarker[] = [];
  const seen = new Set<string>();
  const add = (marker: CodeMarker) => {
    const key = `${marker.severity}:${marker.line}:${marker.column ?? ''}:${marker.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(marker);
  };
  for (const diagnostic of result.diagnostics ?? []) add(diagnostic);
  const error = result.error;
  if (error?.line !== undefined) {
    // A compile failure also reported as the run's error is the same problem.
    const column = error.column;
    const same = out.some(
      (m) =>
        m.severity === 'error' &&
        m.line === error.line &&
        m.message === error.message &&
        (m.column === undefined || column === undefined || m.column === column),
    );
    if (!same) add({ severity: 'error', line: error.line, ...(column !== undefined ? { column } : {}), message: error.message });
  }
  return out.length > 0 ? out : NO_MARKERS;
}

function apply(d: Draft, action: RunAction): void {
  switch (action.type) {
    case 'start': {
      if (d.runs.some((r) => r.id === action.runId)) return;
      d.runs.push({
        id: action.runId,
        local: action.local,
        by: action.by,
        name: action.name,
        language: action.language,
        phase: 'loading',
        progress: null,
        result: null,
        sharedBytes: 0,
        updatedAt: action.at,
      });
      if (action.local) d.localRunId = action.runId;
      d.markers = NO_MARKERS;
      pushEntry(d, { kind: 'run', runId: action.runId, name: action.name, language: action.language, local: action.local });
      pruneFinished(d);
      return;
    }
    case 'progress':
      updateRun(d, action.runId, (run) =>
        run.phase === 'loading' ? { ...run, progress: { loaded: action.loaded, total: action.total } } : null,
      );
      return;
    case 'executing':
      updateRun(d, action.runId, (run) =>
        run.phase === 'loading' ? { ...run, phase: 'running', progress: null, updatedAt: action.at ?? run.updatedAt } : null,
      );
      return;
    case 'output': {
      const run = d.runs.find((r) => r.id === action.runId);
      if (!run || !fits(run, action.from) || action.text.length === 0) return;
      appendText(d, action.runId, action.stream, action.text);
      updateRun(d, action.runId, (r) => {
        const next: RunState = { ...r, updatedAt: action.at ?? r.updatedAt };
        // Typed input answers the prompt; output means code is running.
        if (r.phase === 'input' && action.stream === 'stdin') next.phase = 'running';
        if (r.phase === 'loading') {
          next.phase = 'running';
          next.progress = null;
        }
        if (!r.local) {
          const before = r.sharedBytes;
          next.sharedBytes = before + utf8Length(action.text);
          if (before < EXECUTION_LIMITS.runBytes && next.sharedBytes >= EXECUTION_LIMITS.runBytes) {
            pushEntry(d, { kind: 'info', text: `Only the first ${EXECUTION_LIMITS.runBytes / (1024 * 1024)} MiB of output is shared.`, runId: r.id });
          }
        }
        return next;
      });
      return;
    }
    case 'stdin_request':
      updateRun(d, action.runId, (run) => (isActive(run) ? { ...run, phase: 'input', progress: null } : null));
      return;
    case 'notice':
      if (!d.runs.some((r) => r.id === action.runId)) return;
      pushEntry(d, { kind: 'info', text: action.text, runId: action.runId });
      return;
    case 'finish': {
      const run = updateRun(d, action.runId, (r) => (isActive(r) && fits(r, action.from) ? endRun(d, r, action.result, action.at) : null));
      if (!run) return;
      const { result } = action;
      pushEntry(d, {
        kind: 'exit',
        code: result.exitCode,
        durationMs: result.durationMs,
        status: result.status,
        ...(result.error ? { error: result.error } : {}),
        runId: run.id,
      });
      const markers = resultMarkers(result);
      if (markers.length > 0) d.markers = markers;
      pruneFinished(d);
      return;
    }
    case 'member_left':
      d.runs = d.runs.map((r) => (isActive(r) && !r.local && r.by === action.by ? endRun(d, r, null, r.updatedAt) : r));
      return;
    case 'expire':
      d.runs = d.runs.map((r) => (isActive(r) && !r.local && action.now - r.updatedAt > action.maxIdleMs ? endRun(d, r, null, r.updatedAt) : r));
      return;
    case 'forget_remote':
      d.runs = d.runs.map((r) => (isActive(r) && !r.local ? endRun(d, r, null, r.updatedAt) : r));
      return;
    case 'append':
      if (action.entry.kind === 'stdout' || action.entry.kind === 'stderr' || action.entry.kind === 'stdin') {
        appendText(d, action.entry.runId, action.entry.kind, action.entry.text);
      } else {
        pushEntry(d, action.entry);
      }
      return;
    case 'clear':
      d.output = [];
      d.chars = 0;
      d.outputDropped = 0;
      return;
  }
}

const totalChars = (output: readonly OutputEntry[]) => output.reduce((n, e) => n + entryChars(e), 0);

/** Applies actions in order; returns only the fields that changed. */
export function reduceRunActions(state: RunsSlice, actions: readonly RunAction[]): Partial<RunsSlice> {
  if (actions.length === 0) return {};
  const d: Draft = {
    runs: [...state.runs],
    localRunId: state.localRunId,
    output: [...state.output],
    outputSeq: state.outputSeq,
    outputDropped: state.outputDropped,
    markers: state.markers,
    chars: totalChars(state.output),
  };
  for (const action of actions) apply(d, action);
  trim(d);
  return {
    runs: d.runs,
    localRunId: d.localRunId,
    output: d.output,
    outputSeq: d.outputSeq,
    outputDropped: d.outputDropped,
    markers: d.markers,
  };
}

/** The active runs (loading, running or waiting for input). */
export function activeRuns(runs: readonly RunState[]): RunState[] {
  return runs.filter(isActive);
}
