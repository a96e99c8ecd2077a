export { ChaosError, isChaosError, type ChaosErrorCode } from './errors.js';
export { createRandom, SEED_ENV, type Random } from './random.js';
