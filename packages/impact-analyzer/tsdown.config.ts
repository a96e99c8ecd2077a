import { packageBuilds } from '@proving-ground/kit/build';

// Each entry point is its own build: the Jest entries (recorder, reporter, filter, sequencer) load in
// different processes and module systems, and none may require another's shared chunk.
export default packageBuilds('impact-analyzer', [
  { entry: ['src/index.ts'] },
  { entry: ['src/cli.ts'], format: ['esm'] },
  { entry: ['src/recorder.ts'] },
  { entry: ['src/reporter.ts'] },
  { entry: ['src/filter.ts'] },
  { entry: ['src/sequencer.ts'] },
  // Preloaded into child processes of recorded tests, whatever their Node: CommonJS, no version check.
  { entry: ['src/child-hook.ts'], format: ['cjs'], dts: false, banner: {} },
]);
