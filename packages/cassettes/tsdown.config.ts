import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('cassettes', [{ entry: ['src/index.ts', 'src/setup.ts', 'src/cli.ts'] }]);
