import { privateBuilds } from '@proving-ground/kit/build';

// ESM only: the packages' Jest configs and test files (ESM under ts-jest) import it.
export default privateBuilds(['src/index.ts', 'src/jest-config.ts']);
