/**
 * Jest setup entry: add `@proving-ground/test-modes/setup` to `setupFiles` (or `setupFilesAfterEnv`).
 *
 * It validates `TEST_MODE`, `TEST_RECORD` and the config file (a bad value fails every test file
 * before any test runs), installs the network guard, prints the mode once per run, fails tests that
 * attempted a blocked connection, and in `live_smoke` skips every test not marked live.
 */
import { installTestModes } from './install.js';

installTestModes();
