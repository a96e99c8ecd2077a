import { packageJestConfig } from '@proving-ground/test-kit/jest-config';

export default packageJestConfig('factories', {
  setupFilesAfterEnv: ['<rootDir>/src/setup.ts'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
});
