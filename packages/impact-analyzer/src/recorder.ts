/**
 * Jest setup entry: add `@proving-ground/impact-analyzer/recorder` to `setupFilesAfterEnv`, next to
 * the reporter `@proving-ground/impact-analyzer/reporter` in `reporters`.
 *
 * In each test file it records the modules the file loaded (Jest's `require.cache` registry, taken
 * after each test and at the end, since `jest.resetModules()` empties it), the files it read and the
 * folders it listed through `fs`, the environment variables it read and the installed packages it
 * loaded, with the files its Node child processes loaded (a CLI, a script, a Jest run in a child:
 * see `child-hook.ts`), and hands them to the reporter through the run folder the reporter named in
 * `IMPACT_ANALYZER_RUN_FOLDER`. Without the reporter (no run folder), it does nothing.
 */
import type * as Fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as ChildProcess from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addCircusEventHandler, currentTestPath } from '@proving-ground/kit';
import { startFunctionCoverage, takeFunctionCoverage } from './precision/function-coverage.js';
import { ChildProcessLog } from './recorder/child-processes.js';
import { findRepositoryRoot } from './recorder/repository-root.js';
import { channelFileName, FUNCTIONS_VARIABLE, RUN_FOLDER_VARIABLE } from './recorder/run-channel.js';
import { TestFileRecorder } from './recorder/test-file-recorder.js';

const ACTIVE_RECORDER = Symbol.for('@proving-ground/impact-analyzer/active-recorder');

const folder = process.env[RUN_FOLDER_VARIABLE];
const testPath = currentTestPath();
if (folder !== undefined && folder !== '' && testPath !== undefined) {
  // Inside a test, `node:module` is Jest's: its require is the test file's, whose `cache` is a view
  // of the module registry. The `fs` it returns is the real core module the tests get too (not
  // the `node:fs` of an ESM import, which Jest would freeze into a copy of its exports).
  const testRequire = createRequire(import.meta.url);
  const fs = testRequire('node:fs') as typeof Fs;
  const root = findRepositoryRoot(dirname(testPath), fs.existsSync) ?? dirname(testPath);
  const functions = process.env[FUNCTIONS_VARIABLE] === '1';
  if (functions) {
    startFunctionCoverage();
    // Drops what ran before this test file (an earlier file of this worker that failed to load).
    takeFunctionCoverage(root);
  }
  const self = fileURLToPath(import.meta.url);
  // Built beside this file; absent when the recorder runs from its TypeScript source.
  const hook = join(dirname(self), 'child-hook.cjs');
  const children = fs.existsSync(hook)
    ? new ChildProcessLog({
        childProcess: testRequire('node:child_process') as typeof ChildProcess,
        fs,
        env: process.env,
        hook,
        log: join(folder, channelFileName(testPath).replace(/\.json$/, '.children.jsonl')),
      })
    : undefined;
  const recorder = new TestFileRecorder({ fs, cache: testRequire.cache, root, testPath, folder, self, ...(children ? { children } : {}) });
  // A test file that fails to load ends before any hook runs, its patches still on the worker's
  // `fs`: the next test file of the worker takes them off, through a slot on that shared module.
  const slot = fs as unknown as Record<symbol, TestFileRecorder | undefined>;
  slot[ACTIVE_RECORDER]?.stop();
  slot[ACTIVE_RECORDER] = recorder;
  recorder.start(process);
  addCircusEventHandler('impact-analyzer', (event: { name: string }) => {
    if (event.name === 'test_done') recorder.takeModules();
    else if (event.name === 'run_finish') {
      recorder.finish(functions ? takeFunctionCoverage(root) : undefined);
      if (slot[ACTIVE_RECORDER] === recorder) slot[ACTIVE_RECORDER] = undefined;
    }
  });
}
