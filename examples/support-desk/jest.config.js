// Pact's native core reports usage to a remote host unless PACT_DO_NOT_TRACK is set in the real
// environment; a test file's process.env is Jest's copy, so it is set here, before workers start.
process.env.PACT_DO_NOT_TRACK ??= 'true';

/** @type {import('jest').Config} */
export default {
  displayName: 'support-desk',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  setupFiles: ['@proving-ground/test-modes/setup', '@proving-ground/factories/setup'],
  globalSetup: '@proving-ground/test-modes/global-setup',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};
