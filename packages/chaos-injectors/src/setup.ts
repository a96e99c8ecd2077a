/**
 * Jest setup entry: add `@proving-ground/chaos-injectors/setup` to `setupFiles` or `setupFilesAfterEnv`.
 *
 * It pins the `fs` and `fs/promises` wrappers before the test file loads, so code that takes a
 * function out of the module when it loads (`const { writeFileSync } = require('fs')`, or
 * `import { writeFile } from 'node:fs/promises'`, which Jest binds at import) sees file faults too;
 * it restores every fault after each test, fails a test that left one active, and prints the fault
 * timeline, the seed and a one-line replay under a failing test that injected faults; and it
 * registers the `toRecoverWithin` matcher on `expect` (its types come with the main entry).
 */
import { registerChaosMatchers } from './assertions/matchers.js';
import { installChaosGuard } from './cleanup/jest-circus.js';
import { installFsHooks } from './resources/fs-hooks.js';

installFsHooks({ pin: true });
installChaosGuard();
registerChaosMatchers();

// The matcher's type augmentation, and one export so the declarations are a module (a global augmentation must sit in one).
export type { RecoveryOptions } from './assertions/matchers.js';
