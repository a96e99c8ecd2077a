/**
 * Jest setup entry: add `@proving-ground/factories/setup` to `setupFiles` or `setupFilesAfterEnv`.
 *
 * It follows jest-circus: each test gets its own seeds (from the run seed, the test file and the test's
 * full name), each `beforeAll`/`afterAll` its own, and a failing test that built anything gets one more
 * error line: `FACTORIES_SEED=<seed> npx jest <file> -t '<test>'`, which replays its data.
 */
import { installFactories } from './jest-circus.js';

installFactories();
