// Lint rules: ESLint's and typescript-eslint's recommended sets, plus the few rules CONVENTIONS.md asks for.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'docs/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The outpost is a program of its own (its image ships no core): test/import-graph.test.ts checks the
    // same over every import, transitively.
    files: ['packages/outpost/src/**/*.ts', 'packages/outpost/bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@palisade/core', '@palisade/core/*'],
              message: 'The outpost imports nothing of the core.',
            },
            {
              group: ['**/core/src/**', '**/core/bin/**'],
              message: 'The outpost imports nothing of the core.',
            },
          ],
        },
      ],
    },
  },
);
