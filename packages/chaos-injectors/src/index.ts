export { ChaosError, isChaosError, type ChaosErrorCode } from './errors.js';
export { createRandom, SEED_ENV, type Random } from './random.js';
export { createProxy, TcpProxy, type ProxyOptions, type DownOptions, type ProxyEvent, type Toxic } from './tcp/proxy.js';
export { proxyContainer, ContainerProxy, type ProxiedContainer, type ContainerProxyOptions } from './tcp/container-proxy.js';
export type { ContainerRuntime } from './tcp/container-runtime.js';
export {
  TOXIC_TYPES,
  type ToxicType,
  type ToxicStream,
  type ToxicRoll,
  type ToxicAttributes,
  type ToxicOptions,
  type ToxicDescription,
  type ToxicUpdate,
} from './tcp/toxics.js';
export {
  serveToxiproxyApi,
  loadToxiproxyConfig,
  TOXIPROXY_API_VERSION,
  type ToxiproxyApi,
  type ToxiproxyApiOptions,
} from './toxiproxy/api.js';
export {
  registerFault,
  activeFaults,
  restoreFaults,
  faultTimeline,
  formatTimeline,
  chaosSeed,
  faultRandom,
  type FaultHandle,
  type FaultRegistration,
  type TimelineEntry,
} from './cleanup/registry.js';
export { installChaosGuard, replayLine } from './cleanup/jest-circus.js';
export { injectFsFault, type FsFaultOptions, type FsFaultHandle } from './resources/fs-faults.js';
export { installFsHooks, FS_OPERATIONS, type FsOperation } from './resources/fs-hooks.js';
export type { PathPattern } from './resources/paths.js';
export { limitDescriptors, type DescriptorBudgetOptions, type DescriptorBudgetHandle } from './resources/descriptors.js';
export {
  spawnWithDescriptorLimit,
  descriptorLimitSupport,
  type DescriptorLimitSupport,
  type LimitedChild,
} from './resources/descriptor-limit.js';
export {
  runWithMemoryLimit,
  allocateMemory,
  memorySnapshot,
  type MemoryLimitOptions,
  type MemoryLimitOutcome,
  type AllocateMemoryOptions,
  type MemoryPressureHandle,
  type MemorySnapshot,
} from './resources/memory.js';
export { skewClock, type ClockSkewHandle } from './resources/clock.js';
export {
  httpFaults,
  type HttpFaults,
  type HttpFaultsOptions,
  type HttpFaultBuilder,
  type ResponseFaultOptions,
} from './http/http-faults.js';
export type { HttpFault, HttpFaultKind } from './http/fault.js';
export type { HttpTarget, TextPattern } from './http/target.js';
export type { BodyLoss, BodySource } from './http/bodies.js';
export { DNS_ERROR_CODES, type DnsErrorCode } from './http/network-errors.js';
export {
  chaosExperiment,
  formatReport,
  ChaosExperimentError,
  type ChaosExperimentOptions,
  type ChaosExperimentReport,
  type ExperimentContext,
  type ExperimentStep,
} from './assertions/experiment.js';
export type { Probe } from './assertions/probe.js';
export {
  toRecoverWithin,
  chaosMatchers,
  type RecoveryOptions,
  type ChaosMatcherContext,
  type ChaosMatcherResult,
} from './assertions/matchers.js';
export {
  createLedger,
  expectNoLossNoDuplicates,
  type Ledger,
  type LedgerId,
  type LedgerOptions,
  type LedgerReport,
} from './assertions/ledger.js';
export { chaosTest, type ChaosTestBody, type ChaosTestContext } from './sweep/chaos-test.js';
export { SEEDS_ENV, parseSeeds, parseShard, shardSeeds, sweepSeeds, type Shard } from './sweep/seeds.js';
