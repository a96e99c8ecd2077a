import { packageJestConfig } from '@proving-ground/test-kit/jest-config';

// The setup entry, as users add it: faults are restored after each test (a test that leaves one
// active fails), and `fs` is wrapped before test files bind `import { writeFile } from 'node:fs/promises'`.
export default packageJestConfig('chaos-injectors', { setupFilesAfterEnv: ['<rootDir>/src/setup.ts'] });
