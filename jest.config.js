/** Jest runs TypeScript through swc (no type checking here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/build-cli.global-setup.js',
  // fast-check's seed: pinned in CI, printed on failure (test/support/fast-check-seed.ts).
  setupFiles: ['<rootDir>/test/support/fast-check-seed.ts'],
  // DuckDB and synth tests are CPU-bound; two workers match the two cores CI has.
  maxWorkers: 2,
};
