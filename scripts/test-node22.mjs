/**
 * Runs every package suite on Node 22, the oldest Node line the packages support (`engines.node`),
 * while the repository itself runs on Node 24: the root Jest configuration (one worker pool for
 * all packages, see jest.config.js) started with Node 22 from the registry (`npx -y -p node@22`).
 * Arguments after `--` go to Jest.
 *
 * @example
 * npm run test:node22
 * npm run test:node22 -- --selectProjects test-modes
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

function main(argv) {
  const jestArgs = argv[0] === '--' ? argv.slice(1) : argv;
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
  const run = npx([...NODE_22, '--experimental-vm-modules', '--no-warnings', JEST_BIN, '--ci', ...jestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(
      `[node22] Failed: the package suites did not pass on Node ${nodeVersion}. Reproduce with \`npx -y -p node@22 -- node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects <package>\`.`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
