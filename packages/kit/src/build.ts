import type { UserConfig } from 'tsdown';
import { nodeCheckBanner } from './node-version.js';

/** One build of a package: its entries, plus anything that differs from the shared settings. */
export type PackageBuild = UserConfig & { entry: string[] };

/**
 * tsdown configurations for a published package: ESM and CJS with declarations for each, Node 22
 * as the target, the kit bundled in (published packages never depend on it), and a first line in
 * every file that refuses a Node older than 22.19 with a clear message.
 *
 * The package's build script empties `dist/` first: builds run in parallel, so none may clean it.
 *
 * @example
 * export default packageBuilds('factories', [{ entry: ['src/index.ts'] }, { entry: ['src/setup.ts'] }])
 */
export function packageBuilds(packageName: string, builds: readonly PackageBuild[]): UserConfig[] {
  return builds.map((build) => ({
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    shims: true,
    platform: 'node',
    target: 'node22',
    tsconfig: 'tsconfig.build.json',
    fixedExtension: true,
    banner: { js: nodeCheckBanner(packageName) },
    ...build,
    deps: { ...build.deps, alwaysBundle: [/^@proving-ground\/kit(\/|$)/] },
  }));
}

/**
 * tsdown configurations for a private workspace package of this repository (the test kit): ESM
 * only, one build per entry so each file stands alone, never published.
 *
 * @example
 * export default privateBuilds(['src/index.ts', 'src/jest-config.ts'])
 */
export function privateBuilds(entries: readonly string[]): UserConfig[] {
  return entries.map((entry) => ({
    entry: [entry],
    format: ['esm'],
    dts: true,
    clean: false,
    platform: 'node',
    target: 'node22',
    tsconfig: 'tsconfig.build.json',
    fixedExtension: true,
  }));
}
