// `npm run demo` sets IMPACT_RECORD=1: the impact analyzer records what each test file loads and
// reads (reports/impact-analyzer/map.json, repository-relative), so the demo can show its selection.
const impact = process.env.IMPACT_RECORD === '1';
const IMPACT_MAP = 'examples/support-desk/reports/impact-analyzer/map.json';

/** @type {import('jest').Config} */
export default {
  displayName: 'support-desk',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  setupFiles: ['@proving-ground/test-modes/setup', '@proving-ground/factories/setup'],
  setupFilesAfterEnv: [
    // Restores every chaos fault (files, descriptors, clocks, HTTP faults) after each test, fails a
    // test that leaves one active, and prints the fault timeline with a replay line under a failure.
    '@proving-ground/chaos-injectors/setup',
    // Times every attempt of every test for the flaky-detector reporter below (quarantine, reruns).
    '@proving-ground/flaky-detector/setup',
    ...(impact ? ['@proving-ground/impact-analyzer/recorder'] : []),
  ],
  reporters: [
    'default',
    // Every attempt of every test into a local history (reports/ is not committed); `npm run demo`
    // writes the HTML dashboard from it. Early detection is off: the journeys share a server and its
    // request log across the tests of a file (beforeAll), so a second run of one test in place sees
    // the first run's requests, which is not flakiness.
    // `npm run test:flaky` points it at a store of its own (SUPPORT_DESK_FLAKY_STORE).
    [
      '@proving-ground/flaky-detector/reporter',
      { store: process.env.SUPPORT_DESK_FLAKY_STORE ?? 'reports/flaky-detector/history.sqlite', earlyDetection: false },
    ],
    ...(impact ? [['@proving-ground/impact-analyzer/reporter', { map: IMPACT_MAP }]] : []),
  ],
  globalSetup: '@proving-ground/test-modes/global-setup',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Starting the service (PGlite, migrations) in a beforeAll took over 30 s on a loaded 2-core machine
  // during `npm run demo`: the same 60 s as the packages' suites.
  testTimeout: 60_000,
};
