import { defineConfig } from 'tsdown';

const shared = {
  format: ['esm', 'cjs'],
  dts: true,
  // The build script empties dist/ first: the two builds run in parallel, so neither may clean it.
  clean: false,
  shims: true,
  platform: 'node',
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  fixedExtension: true,
} as const;

// Two builds, no shared chunk: rolldown made the shared chunk require index.cjs back, and in CommonJS
// that cycle left re-exported constants undefined when the setup entry was loaded first. Both
// copies keep their state on globalThis under Symbol.for keys, so they share it.
export default defineConfig([
  { ...shared, entry: ['src/index.ts'] },
  { ...shared, entry: ['src/setup.ts'] },
]);
