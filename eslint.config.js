// Type-aware lint (typescript-eslint): the rules the compiler cannot give — a promise nobody awaits,
// HTML written into the DOM as a string — read with the same tsconfig files `npm run typecheck` uses.
// Unused exports and dependencies are knip's (knip.json); formatting is Prettier's.
import tseslint from 'typescript-eslint';

// Writing markup as a string bypasses the page's Trusted Types policy and escaping; pages build
// nodes (textContent, createElement) instead.
const HTML_SINKS = ['innerHTML', 'outerHTML'].map((property) => ({
  selector: `AssignmentExpression > MemberExpression.left:matches([property.name='${property}'], [property.value='${property}'])`,
  message: `Do not assign ${property}: build DOM nodes (textContent, createElement, replaceChildren).`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '**/*.d.ts', '**/*.mjs', '*.config.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: ['./tsconfig.test.json', './tsconfig.browser.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        ...HTML_SINKS,
        {
          selector: "CallExpression > MemberExpression.callee:matches([property.name='insertAdjacentHTML'], [property.value='insertAdjacentHTML'])",
          message: 'Do not call insertAdjacentHTML: build DOM nodes (textContent, createElement).',
        },
      ],
    },
  },
);
