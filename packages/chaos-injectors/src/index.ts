export { ChaosError, isChaosError, type ChaosErrorCode } from './errors.js';
export { createRandom, SEED_ENV, type Random } from './random.js';
export { createProxy, TcpProxy, type ProxyOptions, type DownOptions, type ProxyEvent, type Toxic } from './tcp/proxy.js';
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
