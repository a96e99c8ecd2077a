export {
  createJestProject,
  runJestProject,
  type JestProject,
  type JestProjectOptions,
  type JestRun,
  type JestRunOptions,
  type TestOutcome,
} from './jest-project.js';
export { testModule, commonJsModule, jestConfigModule, type SourceFunction } from './test-source.js';
export { startLocalServer, type LocalServer } from './local-server.js';
export { realService, type RealService } from './real-services.js';
