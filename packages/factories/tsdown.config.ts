import { packageBuilds } from '@proving-ground/kit/build';

// Two builds, no shared chunk: rolldown made the shared chunk require index.cjs back, and in CommonJS
// that cycle left re-exported constants undefined when the setup entry was loaded first. Both
// copies keep their state on globalThis under Symbol.for keys, so they share it.
export default packageBuilds('factories', [{ entry: ['src/index.ts'] }, { entry: ['src/setup.ts'] }]);
