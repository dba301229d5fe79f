import { useEffect, useSyncExternalStore } from 'react';
import { usePrefs } from '../store/prefs';

export type Theme = 'light' | 'dark';

const QUERY = '(prefers-color-scheme: dark)';

function subscribeSystem(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {};
  const media = window.matchMedia(QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(QUERY).matches;
}

/** The effective theme: the remembered choice, or the system's. */
export function useTheme(): Theme {
  const preference = usePrefs((s) => s.theme);
  const systemDark = useSyncExternalStore(subscribeSystem, systemPrefersDark, () => false);
  return preference === 'system' ? (systemDark ? 'dark' : 'light') : preference;
}

/** Applies the effective theme to <html> (Tailwind's `dark` class). */
export function useApplyTheme(): Theme {
  const theme = useTheme();
  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('dark', theme === 'dark');
    root.style.colorScheme = theme;
  }, [theme]);
  return theme;
}
