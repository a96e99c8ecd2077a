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
  const config: PackageJestConfig = {
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
  // Jest crawls only the folders tests live in: the integration tests' temporary projects under
  // .tmp/ come and go while a run is under way, and their package.json files would collide.
  if (overrides['roots'] === undefined) config['roots'] = rootsOf(config.testMatch);
  return config;
}

/**
 * The folders a set of `<rootDir>/folder/**` test patterns search, as Jest `roots`.
 *
 * @example
 * rootsOf(['<rootDir>/src/**\/*.test.ts']) // ['<rootDir>/src']
 */
export function rootsOf(testMatch: readonly string[]): string[] {
  return [...new Set(testMatch.map((pattern) => /^<rootDir>\/[^/*]+/.exec(pattern)?.[0] ?? '<rootDir>'))];
}
