/**
 * The chaos journeys' setup (`setupFilesAfterEnv`): `@proving-ground/chaos-injectors/setup`, which
 * restores every fault after each test and fails a test that leaves one active, for the files under
 * test/chaos/ only.
 *
 * Why not for every file: its jest-circus handler is async, so a handler a test file adds after it
 * (cassettes' `setupCassettes()` in test/faq.cassettes.journey.test.ts) sees `add_test` only once
 * Jest has registered the test, and its per-test cassette never starts. Load it everywhere once
 * chaos-injectors handles `add_test` synchronously.
 */
import { expect } from '@jest/globals';

if (/[\\/]test[\\/]chaos[\\/]/.test(expect.getState().testPath ?? '')) {
  await import('@proving-ground/chaos-injectors/setup');
}
