import { cx } from '../../lib/cx';

/** "Ada Lovelace" -> "AL", "grace" -> "GR". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return [...words[0]!].slice(0, 2).join('').toUpperCase();
  return ([...words[0]!][0]! + [...words[words.length - 1]!][0]!).toUpperCase();
}

/** Black or white text, whichever reads better on `hex`. */
export function textColorOn(hex: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/iu.exec(hex);
  if (!m) return '#fff';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#18181b' : '#ffffff';
}

export interface AvatarProps {
  name: string;
  color: string;
  size?: 'sm' | 'md';
  ring?: boolean;
  className?: string;
}

export function Avatar({ name, color, size = 'md', ring, className }: AvatarProps) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        'inline-flex shrink-0 items-center justify-center rounded-full font-semibold leading-none tracking-tight',
        size === 'sm' ? 'h-7 w-7 text-[11px]' : 'h-8 w-8 text-xs',
        ring && 'ring-2 ring-white dark:ring-zinc-900',
        className,
      )}
      style={{ backgroundColor: color, color: textColorOn(color) }}
    >
      {initials(name)}
    </span>
  );
}
