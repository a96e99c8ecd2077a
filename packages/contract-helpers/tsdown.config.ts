import { defineConfig } from 'tsdown';

// The build script empties dist/ first: the entries build in parallel, so none may clean it.
export default defineConfig({
  entry: ['src/index.ts', 'src/jest.ts', 'src/pact.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  shims: true,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
});
