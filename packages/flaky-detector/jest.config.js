import { packageJestConfig } from '@proving-ground/test-kit/jest-config';

// Unit tests only until the integration suite (test/) lands.
export default packageJestConfig('flaky-detector', { testMatch: ['<rootDir>/src/**/*.test.ts'] });
