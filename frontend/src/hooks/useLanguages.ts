import { useEffect, useState } from 'react';
import { api } from '../services/api';
import type { Language } from '../types/api';

/** Shown until (or if) GET /api/languages answers. */
export const FALLBACK_LANGUAGES: Language[] = [
  ['javascript', 'JavaScript', 'js'],
  ['typescript', 'TypeScript', 'ts'],
  ['python', 'Python', 'py'],
  ['c', 'C', 'c'],
  ['cpp', 'C++', 'cpp'],
  ['java', 'Java', 'java'],
  ['go', 'Go', 'go'],
  ['csharp', 'C#', 'cs'],
  ['ruby', 'Ruby', 'rb'],
  ['rust', 'Rust', 'rs'],
  ['sql', 'SQL', 'sql'],
  ['lua', 'Lua', 'lua'],
  ['php', 'PHP', 'php'],
  ['kotlin', 'Kotlin', 'kt'],
  ['plaintext', 'Plain text', 'txt'],
].map(([id, name, extension]) => ({ id: id!, name: name!, monaco: id!, extension: extension!, runnable: false }));

export interface LanguagesResult {
  languages: Language[];
  loaded: boolean;
  error: string | null;
}

export function useLanguages(): LanguagesResult {
  const [state, setState] = useState<LanguagesResult>({ languages: FALLBACK_LANGUAGES, loaded: false, error: null });
  useEffect(() => {
    let alive = true;
    api.languages().then(
      (languages) => {
        if (alive) setState({ languages, loaded: true, error: null });
      },
      (error: unknown) => {
        if (alive)
          setState((s) => ({ ...s, loaded: true, error: error instanceof Error ? error.message : String(error) }));
      },
    );
    return () => {
      alive = false;
    };
  }, []);
  return state;
}

export function languageName(languages: Language[], id: string | null | undefined): string {
  return languages.find((l) => l.id === id)?.name ?? id ?? '';
}
