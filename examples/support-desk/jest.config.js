/** @type {import('jest').Config} */
export default {
  displayName: 'support-desk',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  setupFiles: ['@proving-ground/test-modes/setup', '@proving-ground/factories/setup'],
  // @proving-ground/chaos-injectors/setup for the chaos journeys (test/chaos/): restores every fault
  // (files, descriptors, clocks, HTTP faults) after each test, fails a test that leaves one active,
  // and prints the fault timeline with a replay line under a failure. See the file for why only there.
  setupFilesAfterEnv: ['<rootDir>/test/chaos/chaos-setup.ts'],
  globalSetup: '@proving-ground/test-modes/global-setup',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};
