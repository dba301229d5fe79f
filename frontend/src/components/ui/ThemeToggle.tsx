import { usePrefs, type ThemePreference } from '../../store/prefs';
import { IconButton } from './Button';
import { MonitorIcon, MoonIcon, SunIcon } from './icons';

const LABELS: Record<ThemePreference, string> = {
  system: 'Theme: follows the system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

/** Cycles system → light → dark; the choice is remembered. */
export function ThemeToggle() {
  const theme = usePrefs((s) => s.theme);
  const cycle = usePrefs((s) => s.cycleTheme);
  const Icon = theme === 'light' ? SunIcon : theme === 'dark' ? MoonIcon : MonitorIcon;
  return (
    <IconButton label={`${LABELS[theme]} (click to change)`} onClick={cycle} data-testid="theme-toggle" data-theme-pref={theme}>
      <Icon />
    </IconButton>
  );
}
