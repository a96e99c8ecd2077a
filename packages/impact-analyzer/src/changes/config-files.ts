import { basename } from 'node:path/posix';

/** File names whose change can alter how every test loads, with the reason in words. */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^tsconfig(\..*)?\.json$/, 'a TypeScript config changes how every TypeScript file compiles and resolves (paths, target, JSX)'],
  [/^jsconfig\.json$/, 'a jsconfig changes path aliases every module may resolve through'],
  [/^babel\.config\.(js|cjs|mjs|cts|mts|ts|json)$/, 'a Babel config changes how every transformed file compiles'],
  [/^\.babelrc(\.(js|cjs|mjs|json))?$/, 'a Babel config changes how the files below it compile'],
  [/^\.swcrc$/, 'an SWC config changes how every transformed file compiles'],
  [/^jest\.config\.(js|ts|mjs|cjs|cts|mts|json)$/, 'the Jest config changes how every test runs'],
  [/^jest\.preset\.(js|cjs|mjs|json)$/, 'a Jest preset changes the config of every project that uses it'],
  // The Node version a run uses (nvm, fnm, volta and CI setup actions read these) changes every test.
  [/^(\.nvmrc|\.node-version)$/, 'it selects the Node version every test runs on'],
  // .npmrc can change what installs (registries, hoisting, peer resolution), hence every package loaded.
  [/^\.npmrc$/, 'it changes how packages install, so any installed package may differ'],
];

/**
 * A one-sentence reason when `path` is configuration that can change how every test loads
 * (TypeScript, Babel, SWC and Jest configs, the Node version files, `.npmrc`), undefined otherwise.
 *
 * @example
 * configChangeReason('packages/a/tsconfig.build.json') // 'packages/a/tsconfig.build.json changed: a TypeScript config changes ...'
 * configChangeReason('src/a.ts') // undefined
 */
export function configChangeReason(path: string): string | undefined {
  const name = basename(path);
  const rule = RULES.find(([pattern]) => pattern.test(name));
  return rule === undefined ? undefined : `${path} changed: ${rule[1]}.`;
}
