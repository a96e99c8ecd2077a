export { ImpactError, isImpactError, type ImpactErrorCode } from './errors.js';
export type * from './model.js';
export { classifyChange, type ChangeClass, type ClassifyChangeOptions } from './precision/classify-change.js';
