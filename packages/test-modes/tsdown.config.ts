import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('test-modes', [
  { entry: ['src/index.ts', 'src/setup.ts', 'src/global-setup.ts'] },
  // The guard runtime, loaded only with Node's own require (see src/network-guard/native-runtime.ts).
  { entry: ['src/network-guard/runtime.ts'], format: ['cjs'], dts: false },
]);
