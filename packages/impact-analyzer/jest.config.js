import { packageJestConfig } from '@proving-ground/test-kit/jest-config';

export default packageJestConfig('impact-analyzer');
