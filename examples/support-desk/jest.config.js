/** @type {import('jest').Config} */
export default {
  displayName: 'support-desk',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  setupFiles: ['@proving-ground/test-modes/setup', '@proving-ground/factories/setup'],
  // Restores every chaos fault (files, descriptors, clocks, HTTP faults) after each test, fails a
  // test that leaves one active, and prints the fault timeline with a replay line under a failure.
  setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'],
  globalSetup: '@proving-ground/test-modes/global-setup',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};
