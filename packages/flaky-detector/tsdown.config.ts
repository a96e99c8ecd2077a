import { packageBuilds } from '@proving-ground/kit/build';

// Each entry point is its own build: the Jest entries (reporter, setup file, sequencer) load in
// different processes and module systems, and none may require another's shared chunk.
export default packageBuilds('flaky-detector', [
  { entry: ['src/index.ts'] },
  { entry: ['src/cli.ts'], format: ['esm'] },
  { entry: ['src/reporter.ts'] },
  { entry: ['src/setup.ts'] },
  { entry: ['src/sequencer.ts'] },
]);
