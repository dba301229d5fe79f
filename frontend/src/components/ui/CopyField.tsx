import { useId } from 'react';
import { useCopy } from '../../hooks/useCopy';
import { cx } from '../../lib/cx';
import { Button } from './Button';
import { CheckIcon, CopyIcon } from './icons';
import { inputClass } from './Field';

export interface CopyFieldProps {
  label: string;
  value: string;
  description?: string;
  tone?: 'default' | 'secret';
  testId?: string;
}

/** A read-only link with a copy button. */
export function CopyField({ label, value, description, tone = 'default', testId }: CopyFieldProps) {
  const id = useId();
  const { copied, copy } = useCopy();
  const done = copied === 'value';
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          data-testid={testId}
          aria-describedby={description ? `${id}-desc` : undefined}
          onFocus={(e) => e.currentTarget.select()}
          className={cx(
            inputClass,
            'font-mono text-[13px]',
            tone === 'secret' && 'bg-amber-50 ring-amber-300 dark:bg-amber-950/30 dark:ring-amber-700/60',
          )}
        />
        <Button
          variant={tone === 'secret' ? 'secondary' : 'primary'}
          onClick={() => void copy('value', value)}
          aria-label={`Copy ${label.toLowerCase()}`}
          className="w-28"
        >
          {done ? <CheckIcon /> : <CopyIcon />}
          {done ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {description && (
        <p id={`${id}-desc`} className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          {description}
        </p>
      )}
      <span className="sr-only" aria-live="polite">
        {done ? `${label} copied to the clipboard` : ''}
      </span>
    </div>
  );
}
