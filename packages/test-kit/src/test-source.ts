/** A function whose compiled text becomes part of a test file. */
export type SourceFunction = (...args: never[]) => unknown;

/**
 * The text of a test file made of typed functions, the way fast-check tests its Jest adapter:
 * the test is written as an ordinary function in the calling test file, so tsc and ESLint check
 * it, and `String(fn)` (the code ts-jest compiled) is what the temporary project runs.
 *
 * The function must be self-contained: it reaches modules with `require()` (CommonJS projects) or
 * `await import()` (ESM projects, where `main` may be async) and Jest's injected globals, never
 * names from the calling file. `helpers` are written before it, so `main` can call them by name.
 *
 * @example
 * function main(): void {
 *   const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
 *   live.test('talks to the real API', () => {});
 * }
 * createJestProject({ packageDir, files: { 'live.test.js': testModule(main) } });
 */
export function testModule(main: SourceFunction, ...helpers: SourceFunction[]): string {
  const isAsync = main.constructor.name === 'AsyncFunction';
  const parts = helpers.map((helper) => String(helper));
  parts.push(`${isAsync ? 'await ' : ''}(${String(main)})();`);
  return `${parts.join('\n\n')}\n`;
}

/**
 * The text of a CommonJS module that exports `values` (functions and JSON-like data), for
 * support files of a temporary project (`setup.js`, `jest.config.js`, a local server helper).
 *
 * @example
 * files['helpers.js'] = commonJsModule({ startLocalServer })
 */
export function commonJsModule(values: Record<string, unknown>): string {
  const lines = Object.entries(values).map(([name, value]) =>
    typeof value === 'function'
      ? `exports[${JSON.stringify(name)}] = ${String(value)};`
      : `exports[${JSON.stringify(name)}] = ${JSON.stringify(value)};`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The text of a Jest config file (`jest.config.js`) for a temporary project: CommonJS or ESM.
 *
 * @example
 * files['jest.config.js'] = jestConfigModule({ setupFilesAfterEnv: ['@proving-ground/factories/setup'] })
 */
export function jestConfigModule(config: Record<string, unknown>, options: { esm?: boolean } = {}): string {
  const body = JSON.stringify(config, null, 2);
  return options.esm === true ? `export default ${body};\n` : `module.exports = ${body};\n`;
}
