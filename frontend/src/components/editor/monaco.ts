/**
 * Monaco, self-hosted: the editor core, the editor features we use, syntax
 * highlighting for the interview languages only, and workers bundled by
 * Vite (`?worker`). The TypeScript worker (~1.5 MB gzip) is loaded lazily,
 * once the editor is already editable.
 */
import * as monaco from 'monaco-editor/editor';

// Editor features (a curated subset of features/register.all).
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/caretOperations/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/fontZoom/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoLine/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/lineSelection/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/parameterHints/register';
import 'monaco-editor/features/quickCommand/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/tokenization/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/wordPartOperations/register';

// Syntax highlighting (Monarch grammars, each loaded when first used).
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/cpp/register'; // c and cpp
import 'monaco-editor/languages/definitions/java/register';
import 'monaco-editor/languages/definitions/go/register';
import 'monaco-editor/languages/definitions/csharp/register';
import 'monaco-editor/languages/definitions/ruby/register';
import 'monaco-editor/languages/definitions/rust/register';
import 'monaco-editor/languages/definitions/sql/register';
import 'monaco-editor/languages/definitions/lua/register';
import 'monaco-editor/languages/definitions/php/register';
import 'monaco-editor/languages/definitions/kotlin/register';

// JavaScript/TypeScript diagnostics and IntelliSense (its worker is lazy).
import 'monaco-editor/languages/features/typescript/register';

import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

export { monaco };

let releaseTypeScriptWorker: () => void = () => {};
const typeScriptWorkerGate = new Promise<void>((resolve) => {
  releaseTypeScriptWorker = resolve;
});

/** Lets Monaco start the TypeScript worker (call once the editor is usable). */
export function allowTypeScriptWorker(): void {
  releaseTypeScriptWorker();
}

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker | Promise<Worker> {
    if (label === 'typescript' || label === 'javascript') {
      return typeScriptWorkerGate
        .then(() => import('monaco-editor/languages/features/typescript/ts.worker?worker'))
        .then(({ default: TsWorker }) => new TsWorker({ name: 'typescript' }));
    }
    return new EditorWorker({ name: 'editor' });
  },
};

export const THEMES = { light: 'pairpad-light', dark: 'pairpad-dark' } as const;

monaco.editor.defineTheme(THEMES.light, {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#ffffff',
    'editorLineNumber.foreground': '#a1a1aa',
    'editorLineNumber.activeForeground': '#3f3f46',
    'editor.lineHighlightBackground': '#f4f4f5',
    'editor.lineHighlightBorder': '#00000000',
    'editorGutter.background': '#ffffff',
  },
});
monaco.editor.defineTheme(THEMES.dark, {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#131316',
    'editorLineNumber.foreground': '#52525b',
    'editorLineNumber.activeForeground': '#d4d4d8',
    'editor.lineHighlightBackground': '#1c1c21',
    'editor.lineHighlightBorder': '#00000000',
    'editorGutter.background': '#131316',
    'minimap.background': '#131316',
  },
});
