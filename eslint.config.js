import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.node24/**', 'data/**', 'test/artifacts/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Layering: domain code is pure; only src/store speaks SQL.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'kysely',
            'pg',
            'better-sqlite3',
            'fastify',
            'node:fs',
            'node:net',
            '../store/*',
            '../services/*',
            '../http/*',
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/http/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['pg', 'better-sqlite3'] }] },
  },
  {
    // Layering: HTTP reaches the store only through the services. Types (a row's shape) may
    // be named; a value import (a query) is an error.
    files: ['src/http/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/*'],
              allowTypeImports: true,
              message: 'src/http reaches the store only through src/services.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
