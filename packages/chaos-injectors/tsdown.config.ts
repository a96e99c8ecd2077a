import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('chaos-injectors', [{ entry: ['src/index.ts'] }]);
