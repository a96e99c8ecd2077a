// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import jest from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];

/** Jest test files of the workspaces; `scripts/__tests__` use `node:test`, not Jest, and are left out. */
const jestTestFiles = (/** @type {string} */ extensions) =>
  ['packages', 'examples', 'bench'].flatMap((workspace) => [
    `${workspace}/**/*.test.${extensions}`,
    `${workspace}/**/__tests__/**/*.${extensions}`,
  ]);

const INTERNALS_MESSAGE =
  "Packages import one another only through their public names and exports map (e.g. '@proving-ground/test-modes'), never through another package's src/ or dist/ files.";

/** Specifiers that reach into another package's internals, as an esquery regex. */
const INTERNAL_SPECIFIER = String.raw`/^(?:@proving-ground\/[^/]+\/(?:src|dist)(?:\/|$)|(?:\.\.\/)+packages(?:\/|$)|(?:\.\.\/)+[^./][^/]*\/(?:src|dist)(?:\/|$))/`;

export default defineConfig([
  globalIgnores(
    ['**/dist/', '**/node_modules/', '**/.tmp/', '**/coverage/', '**/reports/', '**/*.tsbuildinfo', '**/build-types/'],
    'proving-ground/ignores',
  ),

  {
    name: 'proving-ground/javascript',
    files: [...JS_FILES, ...TS_FILES],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  {
    name: 'proving-ground/typescript',
    files: TS_FILES,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },

  {
    // Tool configs (tsdown.config.ts, jest.config.ts) sit outside every tsconfig's `include`.
    name: 'proving-ground/typescript-tool-configs',
    files: ['**/*.config.ts', '**/*.config.mts', '**/*.config.cts'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    name: 'proving-ground/package-sources',
    files: ['packages/*/src/**/*.ts', 'packages/*/src/**/*.mts', 'packages/*/src/**/*.cts'],
    ignores: ['**/*.test.*'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
    },
  },

  {
    name: 'proving-ground/jest-tests',
    files: jestTestFiles('{ts,mts,cts,js,mjs,cjs}'),
    extends: [jest.configs['flat/recommended']],
    rules: {
      // Mode-scoped tests from @proving-ground/test-modes (`live.test()`, `onlyIn('golden').it()`) and @fast-check/jest's `test.prop()`.
      'jest/no-standalone-expect': [
        'error',
        { additionalTestBlockFunctions: ['live.test', 'live.it', 'onlyIn.test', 'onlyIn.it', 'test.prop', 'it.prop'] },
      ],
    },
  },

  {
    // `expect(obj.method)` is fine in tests; jest/unbound-method knows that, the base rule does not.
    name: 'proving-ground/jest-tests-typescript',
    files: jestTestFiles('{ts,mts,cts}'),
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      'jest/unbound-method': 'error',
      // Temporary Jest projects are written as typed functions (`testModule()` from the test kit):
      // they reach modules with `require(...) as typeof import(...)` or `await import(...)`.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },

  {
    name: 'proving-ground/package-boundaries',
    files: [...JS_FILES, ...TS_FILES],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@proving-ground/*/src', '@proving-ground/*/src/*', '@proving-ground/*/dist', '@proving-ground/*/dist/*'],
              message: INTERNALS_MESSAGE,
            },
            {
              regex: String.raw`^(?:\.\./)+packages(?:/|$)`,
              message: INTERNALS_MESSAGE,
            },
            {
              // `../other-package/src/x.js` or `../../other-package/dist`; a package's own `../src/x.js` does not match.
              regex: String.raw`^(?:\.\./)+[^./][^/]*/(?:src|dist)(?:/|$)`,
              message: INTERNALS_MESSAGE,
            },
          ],
        },
      ],
      // The same boundaries for `import()` and `require()`, which no-restricted-imports does not see.
      'no-restricted-syntax': [
        'error',
        ...['ImportExpression > Literal.source', "CallExpression[callee.name='require'] > Literal.arguments:first-child"].map(
          (selector) => ({
            selector: `${selector}[value=${INTERNAL_SPECIFIER}]`,
            message: INTERNALS_MESSAGE,
          }),
        ),
      ],
    },
  },
]);
