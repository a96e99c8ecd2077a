/** The Jest options this helper sets; a package's own options are merged over them. */
export interface PackageJestConfig {
  displayName: string;
  testEnvironment: string;
  extensionsToTreatAsEsm: string[];
  transform: Record<string, unknown>;
  moduleNameMapper: Record<string, string>;
  testMatch: string[];
  testTimeout: number;
  [option: string]: unknown;
}

/**
 * The Jest project of a package's own suite: TypeScript sources through ts-jest as native ESM
 * (the packages are ESM), unit tests beside the code in `src/` and integration tests in `test/`.
 * `overrides` adds or replaces options (`setupFilesAfterEnv`, more `testMatch` folders, ...).
 *
 * @example
 * // packages/factories/jest.config.js
 * export default packageJestConfig('factories', { setupFilesAfterEnv: ['<rootDir>/src/setup.ts'] })
 */
export function packageJestConfig(name: string, overrides: Record<string, unknown> = {}): PackageJestConfig {
  return {
    displayName: name,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    },
    moduleNameMapper: {
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    testTimeout: 60_000,
    ...overrides,
  };
}
