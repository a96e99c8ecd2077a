import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('test-modes', [
  { entry: ['src/index.ts', 'src/setup.ts', 'src/global-setup.ts'] },
  // The guard runtime, loaded only with Node's own require (see src/internal/native-runtime.ts).
  { entry: ['src/runtime.ts'], format: ['cjs'], dts: false },
]);
