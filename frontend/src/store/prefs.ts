/** Per-browser preferences, remembered in localStorage. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type ThemePreference = 'system' | 'light' | 'dark';

export const FONT_SIZE_MIN = 10;
export const FONT_SIZE_MAX = 28;
export const FONT_SIZE_DEFAULT = 14;

export interface PrefsState {
  theme: ThemePreference;
  fontSize: number;
  minimap: boolean;
  /** The display name last used to join a session. */
  name: string;
  setTheme: (theme: ThemePreference) => void;
  cycleTheme: () => void;
  setFontSize: (size: number) => void;
  changeFontSize: (delta: number) => void;
  setMinimap: (on: boolean) => void;
  setName: (name: string) => void;
}

const clampFont = (size: number) =>
  Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, Math.round(Number.isFinite(size) ? size : FONT_SIZE_DEFAULT)));

const NEXT_THEME: Record<ThemePreference, ThemePreference> = {
  system: 'light',
  light: 'dark',
  dark: 'system',
};

export const usePrefs = create<PrefsState>()(
  persist(
    (set, get) => ({
      theme: 'system',
      fontSize: FONT_SIZE_DEFAULT,
      minimap: true,
      name: '',
      setTheme: (theme) => set({ theme }),
      cycleTheme: () => set({ theme: NEXT_THEME[get().theme] }),
      setFontSize: (size) => set({ fontSize: clampFont(size) }),
      changeFontSize: (delta) => set({ fontSize: clampFont(get().fontSize + delta) }),
      setMinimap: (minimap) => set({ minimap }),
      setName: (name) => set({ name: name.trim() }),
    }),
    {
      name: 'pairpad.prefs',
      version: 1,
      partialize: ({ theme, fontSize, minimap, name }) => ({ theme, fontSize, minimap, name }),
    },
  ),
);
