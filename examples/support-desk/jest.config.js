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
