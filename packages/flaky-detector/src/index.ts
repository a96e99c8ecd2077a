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
export { openHistoryStore, DEFAULT_STORE_PATH } from './store/open-store.js';
export type { HistoryStore, HistoryStoreOptions, HistoryQuery } from './store/history-store.js';
