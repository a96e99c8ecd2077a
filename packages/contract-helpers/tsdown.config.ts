import { packageBuilds } from '@proving-ground/kit/build';

export default packageBuilds('contract-helpers', [{ entry: ['src/index.ts', 'src/jest.ts', 'src/pact.ts', 'src/observability.ts'] }]);
