/**
 * Runs every package's own Jest suite on Node 22, the oldest Node line the packages support
 * (`engines.node`), while the repository itself runs on Node 24. Node 22 comes from the registry
 * through `npx -y -p node@22`; each package's `test` script is mirrored with that Node in place of
 * the one on PATH. Arguments after `--` go to Jest.
 *
 * @example
 * npm run test:node22
 * npm run test:node22 -- --ci --testNamePattern=guard
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_22 = ['-y', '-p', 'node@22', '--', 'node'];
const JEST_BIN = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

/** npx on this script's Node (Node 24 through the npm scripts): npx-cli.js beside the running npm, else `npx` from PATH. */
function npx(args, options) {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const npxCli = process.env.npm_execpath === undefined ? undefined : join(dirname(process.env.npm_execpath), 'npx-cli.js');
  const [command, prefix] = npxCli !== undefined && existsSync(npxCli) ? [process.execPath, [npxCli]] : ['npx', []];
  const result = spawnSync(command, [...prefix, ...args], { env, ...options });
  if (result.error !== undefined) throw result.error;
  return result;
}

/**
 * The Jest part of a package's `test` script (`... && node [flags] <path>/jest.js [args]`, or
 * `jest [args]`) as arguments for `node`, with the repository's Jest. Other commands in the script
 * (a type check) do not depend on the Node version and are left out.
 */
function nodeArgsOf(testScript) {
  if (typeof testScript !== 'string') return { error: 'it has no "test" script' };
  for (const command of testScript.split('&&')) {
    const words = command.trim().split(/\s+/);
    const jestIndex = words.findIndex((word) => word === 'jest' || word.endsWith('jest/bin/jest.js'));
    if (jestIndex === -1) continue;
    const nodeFlags = words[0] === 'node' ? words.slice(1, jestIndex) : [];
    if ((jestIndex > 0 && words[0] !== 'node') || /["'`$|;<>()\\]/.test(command)) break;
    return { args: [...nodeFlags, JEST_BIN, ...words.slice(jestIndex + 1)] };
  }
  return {
    error: `its "test" script (${testScript}) has no plain \`node [flags] <path>/jest.js [args]\` or \`jest [args]\` command to rerun on Node 22`,
  };
}

function main(jestArgs) {
  const version = npx([...NODE_22, '-p', 'process.version'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const nodeVersion = version.stdout?.trim() ?? '';
  const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines?.node ?? '>=22';
  if (version.status !== 0 || !nodeVersion.startsWith('v22.')) {
    console.error(
      `[node22] Failed to start Node 22 with \`npx ${NODE_22.join(' ')}\` (got "${nodeVersion}"). Check access to the npm registry.`,
    );
    return 1;
  }
  if (!semver.satisfies(nodeVersion, engines)) {
    console.error(
      `[node22] Failed to use ${nodeVersion}: it is outside engines.node "${engines}". Clear the npx cache (~/.npm/_npx) so node@22 resolves to the latest 22.x.`,
    );
    return 1;
  }
  console.log(`[node22] Running the package suites on Node ${nodeVersion} (npx -p node@22; engines.node ${engines}).`);

  const packagesDir = join(ROOT, 'packages');
  const folders = readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();

  const results = [];
  for (const folder of folders) {
    const dir = join(packagesDir, folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const { args, error } = nodeArgsOf(manifest.scripts?.test);
    if (error !== undefined) {
      console.error(
        `[node22] Failed to run the tests of packages/${folder}: ${error}. Make it \`node [flags] <path to jest.js> [jest args]\`.`,
      );
      results.push({ name: manifest.name, ok: false });
      continue;
    }
    console.log(`\n[node22] ${manifest.name}: node ${[...args, ...jestArgs].join(' ')}  (in packages/${folder})`);
    const run = npx([...NODE_22, ...args, ...jestArgs], { cwd: dir, stdio: 'inherit' });
    results.push({ name: manifest.name, ok: run.status === 0 });
  }

  console.log(`\n[node22] Summary on Node ${nodeVersion}:`);
  for (const { name, ok } of results) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    console.error(
      `[node22] Failed: ${failed.map((result) => result.name).join(', ')} on Node ${nodeVersion}. Reproduce with \`npx -y -p node@22 -- node ...\` in the package folder.`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
