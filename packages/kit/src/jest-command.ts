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
  const nodeOptions = (from.env['NODE_OPTIONS'] ?? '').trim();
  // Set in NODE_OPTIONS: the run's other options (a larger heap, ...) go with it, as they were.
  if (nodeOptions.split(/\s+/).includes(VM_MODULES)) return `NODE_OPTIONS=${shellWord(nodeOptions)} npx jest`;
  return from.execArgv.includes(VM_MODULES) ? `NODE_OPTIONS=${VM_MODULES} npx jest` : 'npx jest';
}

/** `text` as one word of a POSIX shell command line: as it is when that is safe, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
