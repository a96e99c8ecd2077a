/**
 * Type-checks the published declarations of every package as a consumer reads them, in seconds
 * and without packing or installing anything: a consumer `.cts` (`import x = require(...)`) and
 * `.mts` (`import * as x from`) importing every subpath of every public package's exports map
 * (from its built `dist/`, through the workspace links), under `nodenext`, `strict` and
 * `skipLibCheck: false`, with TypeScript 6.0 and 5.9.
 *
 * Why it exists: the packages' own type checks (`npm run typecheck`, `test-types/`) inherit
 * `skipLibCheck: true`, so they never look inside the built `.d.mts`/`.d.cts` files; a public
 * declaration that names an `@internal` type removed by `stripInternal` (`Cannot find name
 * 'FieldRecipe'`) passed them, and only the pack-and-consume smoke test, the slowest stage, saw it.
 * The smoke test keeps the same check on the packed tarballs.
 *
 * Needs a build first (`npm run build`). Exit code 1 when a declaration fails, with the errors.
 *
 * @example
 * node scripts/check-declarations.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Under the root node_modules, so the consumer resolves the workspace packages and @types/node. */
const CONSUMER = join(ROOT, 'node_modules', '.cache', 'check-declarations');
const COMPILERS = [
  { name: 'TypeScript 6.0', bin: join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc') },
  { name: 'TypeScript 5.9', bin: join(ROOT, 'node_modules', 'typescript-5.9', 'bin', 'tsc') },
];

/** The public packages of packages/, with their manifests. */
function publicPackages() {
  const dir = join(ROOT, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => ({ dir: join(dir, entry.name), manifest: JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The importable, typed subpaths of an exports map, as the specifiers a consumer writes. */
function typedSpecifiers(manifest) {
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath, conditions]) => !subpath.includes('*') && typeof conditions === 'object' && conditions !== null)
    .filter(([, conditions]) => conditions.import?.types !== undefined || conditions.require?.types !== undefined)
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`));
}

function main() {
  const packages = publicPackages();
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
  if (unbuilt.length > 0) {
    console.error(
      `[check-declarations] Failed to start: ${unbuilt.map((pkg) => pkg.manifest.name).join(', ')} has no dist/. Run \`npm run build\` first.`,
    );
    return 1;
  }
  rmSync(CONSUMER, { recursive: true, force: true });
  mkdirSync(CONSUMER, { recursive: true });
  const cts = [];
  const mts = [];
  let count = 0;
  for (const { manifest } of packages) {
    for (const specifier of typedSpecifiers(manifest)) {
      const name = `entry${(count += 1)}`;
      cts.push(`import ${name} = require(${JSON.stringify(specifier)});`, `export const ${name}Loaded: unknown = ${name};`);
      mts.push(`import * as ${name} from ${JSON.stringify(specifier)};`, `export const ${name}Loaded: unknown = ${name};`);
    }
  }
  writeFileSync(join(CONSUMER, 'consumer.cts'), `${cts.join('\n')}\n`);
  writeFileSync(join(CONSUMER, 'consumer.mts'), `${mts.join('\n')}\n`);
  writeFileSync(
    join(CONSUMER, 'tsconfig.json'),
    JSON.stringify({
      // As in the smoke test's consumer: no `lib` (the target's defaults, with DOM), nothing skipped.
      compilerOptions: {
        target: 'es2023',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['consumer.cts', 'consumer.mts'],
    }),
  );
  let failed = 0;
  for (const { name, bin } of COMPILERS) {
    const checked = spawnSync(process.execPath, [bin, '-p', join(CONSUMER, 'tsconfig.json')], { cwd: CONSUMER, encoding: 'utf8' });
    const ok = checked.status === 0;
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${count} entries of ${packages.length} packages, skipLibCheck false`);
    if (!ok) {
      failed += 1;
      process.stdout.write(checked.stdout.replaceAll(`node_modules/@proving-ground/`, 'packages/'));
      process.stderr.write(checked.stderr);
    }
  }
  if (failed > 0) {
    console.error(
      '[check-declarations] Failed to type-check the published declarations: a consumer sees the errors above. Fix the declarations (an @internal type named by a public one is removed by stripInternal: make it public or stop naming it), then `npm run build` and rerun.',
    );
    return 1;
  }
  return 0;
}

process.exitCode = main();
