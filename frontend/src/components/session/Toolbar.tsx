import { useId } from 'react';
import type { Language } from '../../types/api';
import { usePrefs, FONT_SIZE_MAX, FONT_SIZE_MIN } from '../../store/prefs';
import { Button, IconButton } from '../ui/Button';
import { Tooltip } from '../ui/Tooltip';
import { MapIcon, MinusIcon, PlayIcon, PlusIcon, StopIcon } from '../ui/icons';
import { cx } from '../../lib/cx';

export interface ToolbarProps {
  languages: Language[];
  language: string | null;
  onLanguageChange: (id: string) => void;
  languageDisabled: boolean;
  /** Why Run is disabled (null: it is enabled). */
  runReason: string | null;
  /** Our own run is in progress: Run waits, Stop works. */
  running: boolean;
  onRun: () => void;
  onStop: () => void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/u.test(navigator.platform);
export const RUN_SHORTCUT = isMac ? '⌘ Enter' : 'Ctrl Enter';

export function Toolbar({ languages, language, onLanguageChange, languageDisabled, runReason, running, onRun, onStop }: ToolbarProps) {
  const selectId = useId();
  const fontSize = usePrefs((s) => s.fontSize);
  const changeFontSize = usePrefs((s) => s.changeFontSize);
  const minimap = usePrefs((s) => s.minimap);
  const setMinimap = usePrefs((s) => s.setMinimap);

  return (
    <div role="toolbar" aria-label="Editor" className="flex h-12 shrink-0 items-center gap-2 border-b border-zinc-200 bg-white px-3 dark:border-zinc-800 dark:bg-zinc-900">
      <label htmlFor={selectId} className="sr-only">
        Language
      </label>
      <select
        id={selectId}
        value={language ?? ''}
        disabled={languageDisabled}
        onChange={(e) => onLanguageChange(e.target.value)}
        data-testid="language-select"
        className="h-8 rounded-md border-0 bg-zinc-100 pr-7 pl-2.5 text-[13px] font-medium text-zinc-800 ring-1 ring-zinc-200 ring-inset hover:bg-zinc-200/70 focus:ring-2 focus:ring-indigo-500 focus:outline-none disabled:opacity-60 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-700/70"
      >
        {language && !languages.some((l) => l.id === language) && <option value={language}>{language}</option>}
        {languages.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>

      <div className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden="true" />

      <Tooltip content={runReason ?? (running ? 'Your program is running' : `Run for everyone to see (${RUN_SHORTCUT})`)} align="start">
        <Button
          size="sm"
          variant="run"
          aria-disabled={runReason !== null || running}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          onClick={onRun}
          data-testid="run-button"
          className={cx((runReason !== null || running) && 'cursor-not-allowed !bg-zinc-200 !text-zinc-500 dark:!bg-zinc-800 dark:!text-zinc-400')}
        >
          <PlayIcon size={13} /> Run
          <kbd className="ml-1 hidden rounded bg-black/10 px-1 font-sans text-[11px] font-normal sm:inline dark:bg-white/10">{RUN_SHORTCUT}</kbd>
        </Button>
      </Tooltip>
      <Tooltip content={running ? 'Stop your program' : 'Stop the running program (nothing is running)'}>
        <Button size="sm" variant="ghost" disabled={!running} onClick={onStop} data-testid="stop-button">
          <StopIcon size={12} /> Stop
        </Button>
      </Tooltip>
      {runReason !== null && (
        <span className="hidden truncate text-xs text-zinc-500 md:inline dark:text-zinc-400" data-testid="run-unavailable-hint">
          {runReason}
        </span>
      )}

      <div className="flex-1" />

      <div className="flex items-center gap-0.5" role="group" aria-label="Font size">
        <IconButton label="Smaller font" onClick={() => changeFontSize(-1)} disabled={fontSize <= FONT_SIZE_MIN}>
          <MinusIcon size={14} />
        </IconButton>
        <span className="w-9 text-center text-xs text-zinc-600 tabular-nums dark:text-zinc-300" aria-live="polite" aria-label={`Font size ${fontSize} pixels`}>
          {fontSize}px
        </span>
        <IconButton label="Larger font" onClick={() => changeFontSize(1)} disabled={fontSize >= FONT_SIZE_MAX}>
          <PlusIcon size={14} />
        </IconButton>
      </div>
      <IconButton label={minimap ? 'Hide minimap' : 'Show minimap'} pressed={minimap} onClick={() => setMinimap(!minimap)}>
        <MapIcon />
      </IconButton>
    </div>
  );
}
