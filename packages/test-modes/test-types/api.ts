// Type-level tests of the public API: `tsc -p tsconfig.json --noEmit` fails if they break.
import {
  defineConfig,
  live,
  onlyIn,
  whenMode,
  currentMode,
  isTestModesError,
  type Mode,
  type TestModesConfig,
} from '@proving-ground/test-modes';

const mode: Mode = currentMode();
const port: number = whenMode({ mock: 1, golden: 2, default: 3 });
const label: string = whenMode({ mock: 'a', live_smoke: 'b', default: 'c' });

// @ts-expect-error: 'replay' is not a mode
onlyIn('replay');
// @ts-expect-error: whenMode keys are modes
whenMode({ production: 1 });

const config: TestModesConfig = defineConfig({ defaultMode: 'golden', allowHosts: ['api.internal', /\.svc$/] });
// @ts-expect-error: defaultRecord is none | missing | all
defineConfig({ defaultRecord: 'sometimes' });

live.test('name', () => undefined);
live.describe('suite', () => undefined);

function check(error: unknown): string | undefined {
  return isTestModesError(error) ? error.code : undefined;
}

export { mode, port, label, config, check };
