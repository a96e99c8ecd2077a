export { editDistance, nearestMatch, didYouMean, describeChoice, listChoices } from './did-you-mean.js';
export {
  ProvingGroundError,
  errorGuard,
  formatFailure,
  prefixed,
  brand,
  hasBrand,
  isProvingGroundError,
  firstLine,
  type Failure,
} from './errors.js';
export { listOptionProblems, countProblems, checks, describe as describeOptionValue, type OptionCheck } from './options.js';
export { maskUrlCredentials, maskValue, MASK } from './masking.js';
export { luhnValid } from './luhn.js';
export { isInvokedAs, runWhenInvoked, type CliCommand, type CommandValues, type ProcessIo } from './command-line.js';
export {
  addCircusEventHandler,
  circusHandlerOwners,
  blockNames,
  fullTestName,
  currentTestPath,
  type CircusEvent,
  type CircusBlock,
} from './circus.js';
export { MINIMUM_NODE, isSupportedNode, refuseUnsupportedNode, nodeCheckBanner } from './node-version.js';
export { nativeRequire, nativeRequireFrom, nativeRequireFromProject, isModuleNotFound } from './native-require.js';
export { loadJestSequencer, INSTALL_JEST_SEQUENCER } from './jest-sequencer.js';
export { jestCommand, type JestProcess } from './jest-command.js';
export { packLongestFirst, type ShardCost } from './shards.js';
