export { ImpactError, isImpactError, type ImpactErrorCode } from './errors.js';
export type * from './model.js';
