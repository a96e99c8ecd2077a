export {
  consumerPact,
  type ConsumerPact,
  type ConsumerPactOptions,
  type PactInteraction,
  type PactMockServer,
  type PactRequestBuilder,
  type PactResponseBuilder,
  type PactTemplate,
} from './pact/consumer-pact.js';
export { verifyProvider, type ProviderVerificationOptions, type ProviderStateHandler } from './pact/provider-verification.js';
export { mergeFragments as mergePactFragments, currentRunKey as pactRunKey, PACT_RUN_ENV } from './pact/pact-files.js';
