export { TestModesError, NetworkBlockedError, isTestModesError, type TestModesErrorCode } from './errors.js';
export {
  MODES,
  RECORD_POLICIES,
  currentMode,
  currentRecordPolicy,
  isCi,
  parseMode,
  parseRecordPolicy,
  resolveModeSettings,
  whenMode,
  type Mode,
  type ModeChoices,
  type ModeDefaults,
  type ModeSettings,
  type RecordPolicy,
} from './mode.js';
export { isAllowedHost, isLoopbackHost, type AllowedHost } from './host-policy.js';
export {
  CONFIG_FILE_NAMES,
  CONFIG_PATH_ENV,
  defineConfig,
  loadConfig,
  validateConfig,
  type LoadedConfig,
  type TestModesConfig,
} from './config-file.js';
export { live, onlyIn, LIVE_SMOKE_SKIP_REASON, type ModeScopedApi } from './live.js';
export { installTestModes } from './install.js';
export { formatBanner } from './banner.js';
export { networkGuard } from './network-guard/network-guard.js';
export type {
  BlockedAttempt,
  ClientRequestFastPath,
  ConnectionLoss,
  GuardConfig,
  InterceptedRequest,
  NetworkGuardRuntime,
  RequestHandler,
} from './network-guard/types.js';
export { defineService } from './services/define-service.js';
export {
  SERVICE_KINDS,
  SERVICES_ENV,
  SERVICE_ENV_PREFIX,
  type PassedOverOption,
  type ServiceContext,
  type ServiceDefinition,
  type ServiceHandle,
  type ServiceKind,
  type ServiceOptions,
  type StartedService,
  type TestcontainersModule,
} from './services/types.js';
export {
  postgresService,
  DEFAULT_POSTGRES_IMAGE,
  DEFAULT_EMBEDDED_MAX_CONNECTIONS,
  type EmbeddedPostgres,
  type PostgresServiceHandle,
  type PostgresServiceOptions,
} from './services/postgres-service.js';
