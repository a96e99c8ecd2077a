import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/setup.ts', 'src/global-setup.ts', 'src/runtime.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  shims: true,
  clean: true,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
});
