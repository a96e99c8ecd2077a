import { defineConfig } from 'tsdown';

const shared = {
  shims: true,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
} as const;

export default defineConfig([
  // The public entry points, in both formats with their declarations. The build script empties dist/
  // first: the two builds run in parallel, so neither may clean it.
  { ...shared, entry: ['src/index.ts', 'src/setup.ts', 'src/global-setup.ts'], format: ['esm', 'cjs'], dts: true, clean: false },
  // The guard runtime, loaded only with Node's own require (see src/internal/native-runtime.ts).
  { ...shared, entry: ['src/runtime.ts'], format: ['cjs'], dts: false, clean: false },
]);
