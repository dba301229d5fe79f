import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';
import { cx } from '../../lib/cx';

/** A hover/focus tooltip; the child gets aria-describedby pointing at it. */
export function Tooltip({
  content,
  children,
  side = 'bottom',
  align = 'center',
}: {
  content: ReactNode;
  children: ReactElement<{ 'aria-describedby'?: string }>;
  side?: 'top' | 'bottom';
  align?: 'center' | 'start' | 'end';
}) {
  const id = useId();
  return (
    <span className="group/tip relative inline-flex">
      {cloneElement(children, { 'aria-describedby': id })}
      <span
        id={id}
        role="tooltip"
        className={cx(
          'pointer-events-none absolute z-40 w-max max-w-64 rounded-md bg-zinc-900 px-2.5 py-1.5 text-xs leading-snug font-normal text-white opacity-0 shadow-lg transition-opacity duration-100 dark:bg-zinc-700',
          'group-hover/tip:opacity-100 group-focus-within/tip:opacity-100',
          side === 'bottom' ? 'top-full mt-2' : 'bottom-full mb-2',
          align === 'center' && 'left-1/2 -translate-x-1/2',
          align === 'start' && 'left-0',
          align === 'end' && 'right-0',
        )}
      >
        {content}
      </span>
    </span>
  );
}
