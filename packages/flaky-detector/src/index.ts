export { FlakyError, isFlakyError, type FlakyErrorCode } from './errors.js';
export {
  testIdOf,
  parseTestId,
  errorFingerprint,
  type AttemptRecord,
  type AttemptStatus,
  type History,
  type RunKey,
  type RunRecord,
} from './model.js';
