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
 * node scripts/check-declarations.mjs --root /path/to/a/checkout
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
/** The compilers of this repository (TypeScript 6.0 and 5.9), whatever root is checked. */
export const COMPILERS = [
  { name: 'TypeScript 6.0', bin: join(REPOSITORY, 'node_modules', 'typescript', 'bin', 'tsc') },
  { name: 'TypeScript 5.9', bin: join(REPOSITORY, 'node_modules', 'typescript-5.9', 'bin', 'tsc') },
];

/** The public packages of `<root>/packages/`, with their manifests. */
function publicPackages(root) {
  const dir = join(root, 'packages');
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

/**
 * Type-check the built declarations of every public package under `root` as a consumer importing
 * each typed entry, with each compiler.
 *
 * @returns one line per compiler (`PASS`/`FAIL`), the compilers' errors, and the problems that stop the check
 */
export function checkDeclarations(root, compilers = COMPILERS) {
  const packages = publicPackages(root);
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
  if (unbuilt.length > 0) {
    return {
      ok: false,
      lines: [
        `[check-declarations] Failed to start: ${unbuilt.map((pkg) => pkg.manifest.name).join(', ')} has no dist/. Run \`npm run build\` first.`,
      ],
    };
  }
  // Under the root node_modules, so the consumer resolves the workspace packages and @types/node.
  const CONSUMER = join(root, 'node_modules', '.cache', 'check-declarations');
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
  const lines = [];
  let failed = 0;
  for (const { name, bin } of compilers) {
    const checked = spawnSync(process.execPath, [bin, '-p', join(CONSUMER, 'tsconfig.json')], { cwd: CONSUMER, encoding: 'utf8' });
    const ok = checked.status === 0;
    lines.push(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${count} entries of ${packages.length} packages, skipLibCheck false`);
    if (!ok) {
      failed += 1;
      lines.push(...`${checked.stdout}${checked.stderr}`.split('\n').filter((line) => line.trim() !== ''));
    }
  }
  if (failed > 0) {
    lines.push(
      '[check-declarations] Failed to type-check the published declarations: a consumer sees the errors above. Fix the declarations (an @internal type named by a public one is removed by stripInternal: make it public or stop naming it), then `npm run build` and rerun.',
    );
  }
  return { ok: failed === 0, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root');
  const { ok, lines } = checkDeclarations(at === -1 ? REPOSITORY : resolve(process.argv[at + 1] ?? '.'));
  for (const line of lines) (line.startsWith('[check-declarations]') ? console.error : console.log)(line);
  process.exitCode = ok ? 0 : 1;
}
