import { packageBuilds } from '@proving-ground/kit/build';

// Two builds, no shared chunk (a shared CommonJS chunk requiring index.cjs back left re-exports
// undefined when the setup entry loaded first). Both copies keep their state under Symbol.for keys
// (the registry on the test file's global, the fs hooks on the fs module), so they share it. The
// CLI (the `proving-ground-chaos` bin) is only run, never imported: ESM is enough.
export default packageBuilds('chaos-injectors', [
  { entry: ['src/index.ts'] },
  { entry: ['src/setup.ts'] },
  { entry: ['src/cli.ts'], format: ['esm'], dts: false },
]);
