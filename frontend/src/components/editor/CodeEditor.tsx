/**
 * The shared editor: Monaco bound to the Y.Text "code" through y-monaco.
 * This is the only component that imports monaco-editor (ESLint enforces it).
 */
import { useEffect, useRef } from 'react';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';
import type { Awareness } from 'y-protocols/awareness';
import { allowTypeScriptWorker, monaco, THEMES } from './monaco';
import { remoteCursorCss, remoteCursors } from '../../lib/presence';
import { textColorOn } from '../ui/Avatar';
import type { User } from '../../types/protocol';

export interface CodeEditorProps {
  doc: Y.Doc;
  awareness: Awareness;
  /** Monaco language id. */
  language: string;
  theme: 'light' | 'dark';
  fontSize: number;
  minimap: boolean;
  participants: readonly User[];
  /** Read-only until the first sync with the server. */
  readOnly: boolean;
  onRun: () => void;
  /** Problems to underline (compiler diagnostics, the line of an uncaught exception); 1-based. */
  markers?: readonly EditorMarker[];
  /** Called once, when the editor first becomes editable. */
  onEditable?: () => void;
  /** Called when the local user edits (for the "typing" hint). */
  onLocalEdit?: () => void;
}

export interface EditorMarker {
  /** Defaults to error. */
  severity?: 'error' | 'warning';
  line: number;
  column?: number;
  message: string;
}

const MARKER_OWNER = 'pairpad-run';

const EXTENSIONS: Record<string, string> = {
  javascript: 'js',
  typescript: 'ts',
  python: 'py',
  c: 'c',
  cpp: 'cpp',
  java: 'java',
  go: 'go',
  csharp: 'cs',
  ruby: 'rb',
  rust: 'rs',
  sql: 'sql',
  lua: 'lua',
  php: 'php',
  kotlin: 'kt',
};

const TAB_SIZES: Record<string, number> = { python: 4, java: 4, csharp: 4, c: 4, cpp: 4, go: 4, rust: 4, php: 4, kotlin: 4 };

type RelativeSelection = { anchor: Y.RelativePosition; head: Y.RelativePosition };

/** Builds a MonacoBinding and keeps the cursor listener y-monaco forgets to dispose. */
function bindEditor(
  ytext: Y.Text,
  model: monaco.editor.ITextModel,
  editor: monaco.editor.IStandaloneCodeEditor,
  awareness: Awareness,
): { binding: MonacoBinding; dispose: () => void } {
  const captured: monaco.IDisposable[] = [];
  // `onDidChangeCursorSelection` is an own property (an Emitter's event), so
  // it is swapped and put back, never deleted.
  type Holder = { onDidChangeCursorSelection: monaco.editor.IStandaloneCodeEditor['onDidChangeCursorSelection'] };
  const holder = editor as unknown as Holder;
  const original = holder.onDidChangeCursorSelection;
  holder.onDidChangeCursorSelection = (listener, thisArg) => {
    const d = original.call(editor, listener, thisArg);
    captured.push(d);
    return d;
  };
  let binding: MonacoBinding;
  try {
    binding = new MonacoBinding(ytext, model, new Set([editor]), awareness);
  } finally {
    holder.onDidChangeCursorSelection = original;
  }
  return {
    binding,
    dispose: () => {
      for (const d of captured) d.dispose();
      binding.destroy();
    },
  };
}

export default function CodeEditor(props: CodeEditorProps) {
  const { doc, awareness, language, theme, fontSize, minimap, participants, readOnly } = props;
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const modelRef = useRef<monaco.editor.ITextModel | null>(null);
  const styleRef = useRef<HTMLStyleElement | null>(null);
  const participantsRef = useRef(participants);
  const callbacks = useRef({ onRun: props.onRun, onEditable: props.onEditable, onLocalEdit: props.onLocalEdit });
  const editableSignalled = useRef(false);

  useEffect(() => {
    callbacks.current = { onRun: props.onRun, onEditable: props.onEditable, onLocalEdit: props.onLocalEdit };
  });

  // Create the editor, the binding and the undo manager once per document.
  useEffect(() => {
    const node = host.current;
    if (!node) return;
    const ytext = doc.getText('code');
    const model = monaco.editor.createModel(
      ytext.toString(),
      language,
      monaco.Uri.parse(`file:///session/main.${EXTENSIONS[language] ?? 'txt'}`),
    );
    modelRef.current = model;
    const editor = monaco.editor.create(node, {
      model,
      theme: theme === 'dark' ? THEMES.dark : THEMES.light,
      fontSize,
      minimap: { enabled: minimap, renderCharacters: false, maxColumn: 100, showSlider: 'mouseover' },
      readOnly,
      readOnlyMessage: { value: 'Connecting to the session…' },
      lineNumbers: 'on',
      folding: true,
      showFoldingControls: 'mouseover',
      automaticLayout: true,
      scrollBeyondLastLine: false,
      fontFamily: "ui-monospace, 'SFMono-Regular', 'JetBrains Mono', 'Cascadia Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      fontLigatures: false,
      padding: { top: 18, bottom: 12 },
      tabSize: TAB_SIZES[language] ?? 2,
      renderLineHighlight: 'all',
      smoothScrolling: true,
      cursorBlinking: 'smooth',
      cursorSmoothCaretAnimation: 'on',
      fixedOverflowWidgets: true,
      ariaLabel: 'Shared code editor. Press Control+M to toggle whether Tab moves focus.',
      bracketPairColorization: { enabled: true },
      guides: { bracketPairs: false, indentation: true },
      scrollbar: { verticalScrollbarSize: 12, horizontalScrollbarSize: 12 },
      'semanticHighlighting.enabled': false,
    });
    editorRef.current = editor;

    const { binding, dispose: disposeBinding } = bindEditor(ytext, model, editor, awareness);

    // Per-user undo: only this editor's own changes, never remote ones.
    const undoManager = new Y.UndoManager(ytext, { trackedOrigins: new Set([binding]), captureTimeout: 400 });
    const rememberSelection = ({ stackItem }: { stackItem: { meta: Map<unknown, unknown> } }) => {
      const sel = editor.getSelection();
      if (!sel) return;
      const rel: RelativeSelection = {
        anchor: Y.createRelativePositionFromTypeIndex(ytext, model.getOffsetAt(sel.getSelectionStart())),
        head: Y.createRelativePositionFromTypeIndex(ytext, model.getOffsetAt(sel.getPosition())),
      };
      stackItem.meta.set('selection', rel);
    };
    const restoreSelection = ({ stackItem }: { stackItem: { meta: Map<unknown, unknown> } }) => {
      const rel = stackItem.meta.get('selection') as RelativeSelection | undefined;
      if (!rel) return;
      const anchor = Y.createAbsolutePositionFromRelativePosition(rel.anchor, doc);
      const head = Y.createAbsolutePositionFromRelativePosition(rel.head, doc);
      if (!anchor || !head) return;
      const a = model.getPositionAt(anchor.index);
      const h = model.getPositionAt(head.index);
      editor.setSelection(new monaco.Selection(a.lineNumber, a.column, h.lineNumber, h.column));
      editor.revealPositionInCenterIfOutsideViewport(h);
    };
    undoManager.on('stack-item-added', rememberSelection);
    undoManager.on('stack-item-updated', rememberSelection);
    undoManager.on('stack-item-popped', restoreSelection);

    const { KeyMod, KeyCode } = monaco;
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, () => undoManager.undo());
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, () => undoManager.redo());
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, () => undoManager.redo());
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => callbacks.current.onRun());

    const onDocUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === binding) callbacks.current.onLocalEdit?.();
    };
    doc.on('update', onDocUpdate);

    // Remote cursor colours and labels.
    const style = document.createElement('style');
    style.dataset.pairpad = 'remote-cursors';
    document.head.appendChild(style);
    styleRef.current = style;
    const renderCursorStyles = () => {
      style.textContent = remoteCursorCss(
        remoteCursors(awareness.getStates() as Map<number, Record<string, unknown>>, participantsRef.current, doc.clientID),
        textColorOn,
      );
    };
    renderCursorStyles();
    awareness.on('change', renderCursorStyles);

    return () => {
      awareness.off('change', renderCursorStyles);
      doc.off('update', onDocUpdate);
      undoManager.off('stack-item-added', rememberSelection);
      undoManager.off('stack-item-updated', rememberSelection);
      undoManager.off('stack-item-popped', restoreSelection);
      undoManager.destroy();
      disposeBinding();
      style.remove();
      styleRef.current = null;
      editor.dispose();
      model.dispose();
      editorRef.current = null;
      modelRef.current = null;
    };
    // Options below are applied by their own effects; the editor is created once per document.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, awareness]);

  useEffect(() => {
    participantsRef.current = participants;
    const style = styleRef.current;
    if (style) {
      style.textContent = remoteCursorCss(
        remoteCursors(awareness.getStates() as Map<number, Record<string, unknown>>, participants, doc.clientID),
        textColorOn,
      );
    }
  }, [participants, awareness, doc]);

  useEffect(() => {
    const model = modelRef.current;
    if (model && model.getLanguageId() !== language) {
      monaco.editor.setModelLanguage(model, language);
      model.updateOptions({ tabSize: TAB_SIZES[language] ?? 2 });
    }
  }, [language]);

  const { markers } = props;
  useEffect(() => {
    const model = modelRef.current;
    if (!model) return undefined;
    const lines = model.getLineCount();
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      (markers ?? [])
        .filter((m) => m.line >= 1 && m.line <= lines)
        .map((m) => {
          const startColumn = m.column !== undefined && m.column >= 1 ? m.column : model.getLineFirstNonWhitespaceColumn(m.line) || 1;
          return {
            severity: m.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
            message: m.message,
            startLineNumber: m.line,
            startColumn,
            endLineNumber: m.line,
            endColumn: Math.max(startColumn + 1, model.getLineMaxColumn(m.line)),
            source: 'Run',
          };
        }),
    );
    return () => {
      if (!model.isDisposed()) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
    };
  }, [markers, doc]);

  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? THEMES.dark : THEMES.light);
  }, [theme]);

  useEffect(() => {
    editorRef.current?.updateOptions({ fontSize, minimap: { enabled: minimap, renderCharacters: false, maxColumn: 100, showSlider: 'mouseover' } });
  }, [fontSize, minimap]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return undefined;
    editor.updateOptions({ readOnly });
    if (readOnly) return undefined;
    if (!editableSignalled.current) {
      editableSignalled.current = true;
      callbacks.current.onEditable?.();
    }
    // The TypeScript worker is big: start it only once typing works.
    const timer = setTimeout(allowTypeScriptWorker, 1500);
    return () => clearTimeout(timer);
  }, [readOnly]);

  return <div ref={host} className="h-full w-full" data-testid="code-editor" data-editable={readOnly ? 'false' : 'true'} />;
}
