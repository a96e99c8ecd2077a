/** What {@link jestCommand} reads of the process: by default, this one. */
export interface JestProcess {
  execArgv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

const VM_MODULES = '--experimental-vm-modules';

/**
 * The shell command that runs Jest again the way this run was started, for the replay lines
 * failures print: `npx jest`, or `NODE_OPTIONS=--experimental-vm-modules npx jest` when the run has
 * native ES modules on (Jest's ESM mode needs the flag, and `npx jest` alone fails there with
 * "Must use import to load ES Module"). Test workers inherit the flag from Jest's main process.
 *
 * @example
 * `FACTORIES_SEED=42 ${jestCommand()} src/orders.test.ts -t '^orders should total$'`
 */
export function jestCommand(from: JestProcess = process): string {
  const esm = from.execArgv.includes(VM_MODULES) || (from.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(VM_MODULES);
  return esm ? `NODE_OPTIONS=${VM_MODULES} npx jest` : 'npx jest';
}
