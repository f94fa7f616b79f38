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
  reporters: ['default', '<rootDir>/scripts/summary-reporter.mjs'],
};
