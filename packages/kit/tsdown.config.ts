import { defineConfig } from 'tsdown';

// ESM only: the kit is consumed by the other packages' builds, which bundle it into their own ESM and CJS output.
export default defineConfig({
  entry: ['src/index.ts', 'src/build.ts'],
  format: ['esm'],
  dts: true,
  clean: false,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
  deps: { neverBundle: ['tsdown'] },
});
