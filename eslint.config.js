// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Case inputs copied from users' reports stay byte for byte as reported (tests/fixtures/cases/*/README).
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'result/**', 'tests/fixtures/cases/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
);
