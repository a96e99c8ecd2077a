import { defineConfig } from 'tsdown';

// ESM only: the packages' Jest configs and test files (ESM under ts-jest) import it.
export default defineConfig({
  entry: ['src/index.ts', 'src/jest-config.ts'],
  format: ['esm'],
  dts: true,
  clean: false,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
});
