import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import tseslint from 'typescript-eslint';

/** Module boundaries (STYLE.md rule 19). */
const SOCKET_IO = {
  group: ['socket.io-client', 'socket.io-client/*', 'engine.io-client', 'engine.io-client/*'],
  message: 'Only src/services/collab/ talks to Socket.IO: use the collab provider.',
};
const MONACO = {
  group: ['monaco-editor', 'monaco-editor/*', 'y-monaco', 'y-monaco/*'],
  message: 'Only the editor component (src/components/editor/) imports Monaco.',
};

const RUNTIMES = {
  group: ['pyodide', 'pyodide/*', 'sucrase', 'sucrase/*', '@yowasp/*', '@bjorn3/*', 'wasmoon', 'sql.js', 'sql.js/*', '@ruby/*'],
  message: 'Only the runner (runner/) loads language runtimes; the app talks to it through services/executor/.',
};

export default tseslint.config(
  { ignores: ['dist', 'dist-runner', 'node_modules', 'test-results', 'playwright-report'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser },
    },
    plugins: {
      'react-hooks': reactHooks,
      'react-refresh': reactRefresh,
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [SOCKET_IO, MONACO, RUNTIMES] }],
    },
  },
  {
    files: ['src/services/collab/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [MONACO, RUNTIMES] }] },
  },
  {
    files: ['src/components/editor/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SOCKET_IO, RUNTIMES] }] },
  },
  {
    // The runner origin: runtimes yes, nothing of the app's transport or editor.
    files: ['runner/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SOCKET_IO, MONACO] }] },
  },
  {
    files: ['vite.config.ts', 'vite.runner.config.ts', 'vite-plugins/**/*.ts', 'playwright.config.ts', 'e2e/**/*.{ts,mjs,js}', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
    // Playwright fixtures call `use`, which is not React's hook.
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    files: ['e2e/**/*.{mjs,js}', 'eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
