/**
 * Jest setup entry: add `@proving-ground/cassettes/setup` to `setupFilesAfterEnv` (after
 * `@proving-ground/test-modes/setup` in `setupFiles`). Every test gets its own cassette with the
 * default options, and `expect(...).toCostAtMost()` is registered when Jest injects `expect`.
 */
import { setupCassettes } from './cassettes.js';
import { cassetteMatchers } from './matchers.js';

setupCassettes();
const expectGlobal = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
expectGlobal?.extend?.(cassetteMatchers);
