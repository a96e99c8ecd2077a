import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('flaky-detector', [{ entry: ['src/index.ts'] }]);
