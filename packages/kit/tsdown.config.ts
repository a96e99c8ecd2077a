import { defineConfig } from 'tsdown';

// ESM only: the kit is consumed by the other packages' builds, which bundle it into their own ESM
// and CJS output. Two builds, so each file stands alone (the circus-registry test loads copies of
// dist/index.mjs the way two bundled packages hold two copies).
const shared = {
  format: ['esm'],
  dts: true,
  clean: false,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
  deps: { neverBundle: ['tsdown'] },
} as const;

export default defineConfig([
  { ...shared, entry: ['src/index.ts'] },
  { ...shared, entry: ['src/build.ts'] },
]);
