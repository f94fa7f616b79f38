// Tests are written in TypeScript next to the code (src/**/*.test.ts), compiled by `tsc -b`
// and run from dist/ as native ESM (node --experimental-vm-modules): no transform step, so
// what is tested is exactly what ships, worker_threads included.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/bench'],
  testMatch: ['**/dist/**/*.test.js'],
  transform: {},
  testTimeout: 300000,
  maxWorkers: 2,
  verbose: false,
  // One scratch TMPDIR per run, removed at the end (PAGETRACE_KEEP_TEST_FILES=1 keeps it).
  globalSetup: '<rootDir>/scripts/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/scripts/jest-global-teardown.mjs',
  reporters: ['default', '<rootDir>/scripts/summary-reporter.mjs'],
};
