import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/setup.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  shims: true,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
});
