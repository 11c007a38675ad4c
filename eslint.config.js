// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The arrows of src/ point down (docs/architecture.md, "Rooms"): a room (folder) may not import
 * a room above it. `group` patterns are gitignore-style and match the import string as written,
 * so the hub pattern catches '../hub/x.js' and '../../hub/ha/x.js' alike. Type-only imports count:
 * an arrow is an arrow. (Dynamic `import()` is not checked by this rule.)
 */
const ROOMS_ABOVE = {
  discovery: { group: ['../**'], why: 'src/discovery/ imports nothing of src/' },
  config: {
    group: ['**/esphome/**', '**/ha-registry/**', '**/lifecoach/**', '**/dashboard/**', '**/hub/**'],
    why: 'src/config/ imports only src/discovery/',
  },
  esphome: {
    group: ['**/ha-registry/**', '**/lifecoach/**', '**/dashboard/**', '**/hub/**'],
    why: 'src/esphome/ imports only src/config/',
  },
  'ha-registry': {
    group: ['**/esphome/**', '**/discovery/**', '**/lifecoach/**', '**/dashboard/**', '**/hub/**'],
    why: 'src/ha-registry/ imports only src/config/',
  },
  lifecoach: {
    group: ['**/discovery/**', '**/esphome/**', '**/ha-registry/**', '**/dashboard/**', '**/hub/**'],
    why: 'src/lifecoach/ imports only src/config/',
  },
  dashboard: {
    group: ['**/esphome/**', '**/hub/**', '**/lifecoach/**', '!**/lifecoach/ha', '**/lifecoach/ha/**', '!**/lifecoach/ha/discovery.js'],
    why: "src/dashboard/ never imports src/hub/ or src/esphome/, and of src/lifecoach/ only the coach's entity names (lifecoach/ha/discovery.ts)",
  },
};

/** One `no-restricted-imports` block per room (a later block for the same file replaces it whole). */
const arrowsDown = (room, { group, why }, files = [`src/${room}/**/*.ts`]) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group, message: `arrows point down (docs/architecture.md, Rooms): ${why}.` }] }],
  },
});

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
  ...Object.entries(ROOMS_ABOVE).map(([room, rule]) => arrowsDown(room, rule)),
);
