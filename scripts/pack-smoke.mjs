/**
 * Pack-and-consume smoke test: packs every package in packages/, installs the tarballs into a
 * temporary consumer project outside the repository (with Jest 30, TypeScript 6.0 and 5.9 from
 * the registry), then, for every subpath of every package's exports map:
 *
 * - loads it with `require` in a Jest test running in CommonJS mode (`<package>.test.cjs`);
 * - loads it with `import` in a Jest test running in native ESM mode (`<package>.test.mjs`,
 *   `node --experimental-vm-modules`);
 * - type-checks a consumer `.cts` (`import x = require(...)`) and `.mts` (`import * as x from`)
 *   with both TypeScript versions under `nodenext`, `strict` and `skipLibCheck: false`, naming the
 *   errors in the summary. `npm run check:declarations` runs the same type check on the built
 *   packages without packing or installing, early in `npm test` (the packages' own type checks
 *   skip declaration files, so this is where a broken `.d.mts` shows).
 *
 * It also checks what users receive: no packed file imports a private kit (`@proving-ground/kit`
 * is bundled into dist at build time, `@proving-ground/test-kit` is for our own tests), and on a Node
 * older than `engines.node` (the machine's own Node 20, or `npx -p node@20`) every entry refuses to
 * load with `[<package>] requires Node >= 22.19 (this is 20.x)` instead of failing later.
 *
 * JSON subpaths (`./package.json`) are loaded in both Jest modes (`import ... with { type: 'json' }`)
 * and left out of the type check.
 *
 * Each loaded module must export something (a non-empty object or a function), unless the
 * package lists the entry's file in `sideEffects`: those entries exist for their side effects
 * (`./setup` installs the network guard) and only have to load without throwing.
 *
 * The exports maps are read at run time, so new packages and subpaths are covered without
 * editing this script. Needs a build first (`npm run build`).
 *
 * @example
 * npm run test:smoke
 * node scripts/pack-smoke.mjs --keep   # keep the temporary project and print where it is
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEEP = process.argv.includes('--keep');
const TYPESCRIPT_VERSIONS = [
  { alias: 'typescript-6.0', range: '~6.0.0' },
  { alias: 'typescript-5.9', range: '~5.9.0' },
];
const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

/** One line per step, printed as a summary at the end. */
const results = [];

function record(step, ok, detail = '') {
  results.push({ step, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${step}${detail === '' ? '' : `  (${detail})`}`);
}

/** Child processes run on this script's Node (Node 24 through the npm scripts), which goes first on PATH. */
function childEnv(extra = {}) {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, ...extra };
  // The consumer must behave the same on a laptop and on CI: no mode or record policy leaks in.
  for (const name of ['TEST_MODE', 'TEST_RECORD', 'TEST_RECORD_IN_CI', 'NODE_OPTIONS']) delete env[name];
  return env;
}

function run(command, args, { cwd, env = childEnv(), quiet = false } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  if (!quiet || result.status !== 0) {
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
  }
  return result;
}

/** npm itself on the same Node: the npm-cli.js npm scripts were started with, else `npm` from PATH. */
function npm(args, options) {
  const npmCli = process.env.npm_execpath;
  return npmCli !== undefined && /npm-cli\.c?js$/.test(npmCli)
    ? run(process.execPath, [npmCli, ...args], options)
    : run('npm', args, options);
}

function readPackages() {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { folder: entry.name, dir, manifest };
    })
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/** Every importable subpath of an exports map, as the specifier a consumer writes. */
function entryPoints({ manifest }) {
  const sideEffects = manifest.sideEffects;
  const normalise = (file) => file.replace(/^\.\//, '');
  const declaredSideEffects = Array.isArray(sideEffects) ? new Set(sideEffects.map(normalise)) : new Set();
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => !subpath.includes('*'))
    .map(([subpath, conditions]) => {
      const targets =
        typeof conditions === 'string' ? [conditions] : [conditions?.import?.default, conditions?.require?.default].filter(Boolean);
      return {
        specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
        json: targets.length > 0 && targets.every((file) => file.endsWith('.json')),
        sideEffectsOnly: sideEffects === true || targets.some((file) => declaredSideEffects.has(normalise(file))),
      };
    });
}

/** The titles of the failed tests in a Jest `--json` report, for the summary. */
function failedTests(reportFile) {
  if (!existsSync(reportFile)) return 'Jest did not write a report; see its output above';
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const failed = report.testResults.flatMap((file) =>
    file.assertionResults.filter((test) => test.status === 'failed').map((test) => test.title),
  );
  const broken = report.testResults.filter((file) => file.assertionResults.length === 0 && file.status === 'failed');
  return (
    [...failed, ...broken.map((file) => `${relative(dirname(reportFile), file.name)} did not run`)].join('; ') || 'see the output above'
  );
}

/** A `from`, `import`, `import()` or `require()` of a private kit, in built JavaScript or declarations. */
const KIT_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]@proving-ground\/(?:test-)?kit(?:\/[^'"]*)?['"]/;

/** Files of an installed package that import a private kit, as `package/path` strings. */
function filesImportingKits(packageDir, name) {
  const offenders = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(?:[cm]?js|d\.[cm]?ts|json)$/.test(entry.name) && KIT_IMPORT.test(readFileSync(path, 'utf8'))) {
        offenders.push(`${name}/${relative(packageDir, path)}`);
      }
    }
  };
  walk(packageDir);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dependency of Object.keys(manifest[field] ?? {})) {
      if (/^@proving-ground\/(?:test-)?kit$/.test(dependency)) offenders.push(`${name}/package.json ${field}`);
    }
  }
  return offenders;
}

/** A `node` older than 22.19 to prove the refusal with: one on PATH (the machine's own), else Node 20 from the registry. */
function oldNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir === '' || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > 0 && (major < 22 || (major === 22 && minor < 19))) return { command: candidate, prefix: [], version };
  }
  const npmCli = process.env.npm_execpath;
  const npxCli = npmCli === undefined ? undefined : join(dirname(npmCli), 'npx-cli.js');
  const npx = npxCli !== undefined && existsSync(npxCli) ? [process.execPath, [npxCli]] : ['npx', []];
  const prefix = [...npx[1], '-y', '-p', 'node@20', '--', 'node'];
  const version = spawnSync(npx[0], [...prefix, '-p', 'process.versions.node'], { encoding: 'utf8', env: childEnv() }).stdout?.trim() ?? '';
  return version.startsWith('20.') ? { command: npx[0], prefix, version } : undefined;
}

function safeName(name) {
  return name.replace(/^@/, '').replace(/[^a-zA-Z0-9]+/g, '-');
}

/** Shared by both Jest tests: a module counts as loaded when it exports something usable. */
const ASSERT_EXPORTS = `
function expectExports(loaded, sideEffectsOnly) {
  if (typeof loaded === 'function') return;
  expect(typeof loaded).toBe('object');
  expect(loaded).not.toBeNull();
  const names = Object.keys(loaded).filter((name) => name !== '__esModule');
  if (!sideEffectsOnly) expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const value = loaded[name];
    expect([name, value === undefined || value === null]).toEqual([name, false]);
  }
}
`;

/**
 * Loads every entry at module scope, the way users list them (setup entries register Jest hooks,
 * which Jest only allows outside tests), and keeps each failure for the test of that entry.
 */
function writeJestTests(consumerDir, pkg, entries) {
  const base = safeName(pkg.manifest.name);
  const cjsLoads = entries
    .map(({ specifier }, index) => `const entry${index} = load(() => require(${JSON.stringify(specifier)}));`)
    .join('\n');
  const cjsCases = entries
    .map(
      ({ specifier, sideEffectsOnly }, index) => `
  it(${JSON.stringify(`should require ${specifier}`)}, () => {
    if ('error' in entry${index}) throw entry${index}.error;

    expectExports(entry${index}.loaded, ${sideEffectsOnly});
  });`,
    )
    .join('\n');
  writeFileSync(
    join(consumerDir, 'tests', `${base}.test.cjs`),
    `'use strict';
${ASSERT_EXPORTS}
function load(loader) {
  try {
    return { loaded: loader() };
  } catch (error) {
    return { error };
  }
}

${cjsLoads}

describe(${JSON.stringify(`${pkg.manifest.name} in Jest CommonJS mode`)}, () => {${cjsCases}
});
`,
  );

  const imports = entries
    .map(({ specifier, json }, index) =>
      json
        ? `import entry${index} from ${JSON.stringify(specifier)} with { type: 'json' };`
        : `import * as entry${index} from ${JSON.stringify(specifier)};`,
    )
    .join('\n');
  const esmCases = entries
    .map(
      ({ specifier, sideEffectsOnly }, index) => `
  it(${JSON.stringify(`should import ${specifier}`)}, () => {
    expectExports(entry${index}, ${sideEffectsOnly});
  });`,
    )
    .join('\n');
  writeFileSync(
    join(consumerDir, 'tests', `${base}.test.mjs`),
    `${imports}
${ASSERT_EXPORTS}
describe(${JSON.stringify(`${pkg.manifest.name} in Jest native ESM mode`)}, () => {${esmCases}
});
`,
  );
}

function writeTypeTests(consumerDir, packagesWithEntries) {
  const cts = [];
  const mts = [];
  for (const [pkg, entries] of packagesWithEntries) {
    const base = safeName(pkg.manifest.name).replace(/-/g, '_');
    entries.forEach(({ specifier, sideEffectsOnly, json }, index) => {
      const name = `${base}_${index}`;
      if (json) return;
      if (sideEffectsOnly) {
        cts.push(`import ${JSON.stringify(specifier)};`);
        mts.push(`import ${JSON.stringify(specifier)};`);
      } else {
        cts.push(`import ${name} = require(${JSON.stringify(specifier)});`, `export const ${name}Loaded: object = ${name};`);
        mts.push(`import * as ${name} from ${JSON.stringify(specifier)};`, `export const ${name}Loaded: object = ${name};`);
      }
    });
  }
  writeFileSync(join(consumerDir, 'types', 'consumer.cts'), `${cts.join('\n')}\n`);
  writeFileSync(join(consumerDir, 'types', 'consumer.mts'), `${mts.join('\n')}\n`);
  writeFileSync(
    join(consumerDir, 'tsconfig.json'),
    JSON.stringify(
      {
        // No `lib`: a consumer gets the target's default libraries (with DOM). Our public types
        // reach @mswjs/interceptors, whose declarations need DOM's fetch types.
        compilerOptions: {
          target: 'es2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['types/consumer.cts', 'types/consumer.mts'],
      },
      null,
      2,
    ),
  );
}

function main() {
  const packages = readPackages();
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist')));
  if (packages.length === 0 || unbuilt.length > 0) {
    const reason =
      packages.length === 0 ? 'no packages were found in packages/' : `${unbuilt.map((pkg) => pkg.manifest.name).join(', ')} has no dist/`;
    console.error(`[pack-smoke] Failed to start: ${reason}. Run \`npm run build\` first.`);
    return 1;
  }

  const workDir = mkdtempSync(join(tmpdir(), 'proving-ground-smoke-'));
  const tarballDir = join(workDir, 'tarballs');
  const consumerDir = join(workDir, 'consumer');
  mkdirSync(tarballDir);
  mkdirSync(join(consumerDir, 'tests'), { recursive: true });
  mkdirSync(join(consumerDir, 'types'));
  console.log(`[pack-smoke] Node ${process.version}; consumer project in ${consumerDir}`);

  try {
    const tarballs = [];
    for (const pkg of packages) {
      const packed = npm(['pack', '--json', '--pack-destination', tarballDir], { cwd: pkg.dir, quiet: true });
      const filename = packed.status === 0 ? JSON.parse(packed.stdout)[0]?.filename : undefined;
      record(`npm pack ${pkg.manifest.name}`, filename !== undefined, filename ?? `exit ${packed.status}`);
      if (filename === undefined) return 1;
      tarballs.push(join(tarballDir, filename));
    }

    writeFileSync(
      join(consumerDir, 'package.json'),
      JSON.stringify({ name: 'proving-ground-smoke-consumer', version: '0.0.0', private: true }, null, 2),
    );
    const nodeMajor = process.versions.node.split('.')[0];
    const installed = npm(
      [
        'install',
        ...INSTALL_FLAGS,
        ...tarballs,
        'jest@30',
        `@types/node@${nodeMajor}`,
        ...TYPESCRIPT_VERSIONS.map(({ alias, range }) => `${alias}@npm:typescript@${range}`),
      ],
      { cwd: consumerDir, quiet: true },
    );
    record('npm install tarballs, jest@30, TypeScript 6.0 and 5.9 into the consumer', installed.status === 0);
    if (installed.status !== 0) return 1;

    const kitImports = packages.flatMap((pkg) =>
      filesImportingKits(join(consumerDir, 'node_modules', ...pkg.manifest.name.split('/')), pkg.manifest.name),
    );
    record('no packed file imports @proving-ground/kit or @proving-ground/test-kit', kitImports.length === 0, kitImports.join(', '));

    const packagesWithEntries = packages.map((pkg) => [pkg, entryPoints(pkg)]);
    const old = oldNode();
    if (old === undefined) {
      record('entries refuse a Node older than 22.19', false, 'no Node < 22.19 on PATH and `npx -p node@20` failed');
    } else {
      const refusals = [];
      for (const [pkg, entries] of packagesWithEntries) {
        const folder = pkg.manifest.name.split('/')[1];
        for (const { specifier, json } of entries) {
          if (json) continue;
          for (const loader of [`require(${JSON.stringify(specifier)})`, `import(${JSON.stringify(specifier)})`]) {
            const loaded = spawnSync(old.command, [...old.prefix, '-e', loader], { cwd: consumerDir, encoding: 'utf8', env: childEnv() });
            const expected = `[${folder}] requires Node >= 22.19 (this is ${old.version})`;
            // An ES module's imports load before its own first line: a package that imports another
            // of ours (chaos-injectors imports test-modes) is refused by that one's check first.
            const refusedBy = [folder, ...ourDependencies(pkg.manifest)].map(
              (name) => `[${name}] requires Node >= 22.19 (this is ${old.version})`,
            );
            if (loaded.status === 0 || !refusedBy.some((message) => loaded.stderr.includes(message))) {
              refusals.push(
                `${loader} exited ${loaded.status} without "${expected}": ${loaded.stderr.split('\n').find((line) => /Error/.test(line)) ?? ''}`,
              );
            }
          }
        }
      }
      record(`every entry refuses Node ${old.version} with "[package] requires Node >= 22.19"`, refusals.length === 0, refusals.join('; '));
    }
    for (const [pkg, entries] of packagesWithEntries) writeJestTests(consumerDir, pkg, entries);
    writeTypeTests(consumerDir, packagesWithEntries);
    const subpathCount = packagesWithEntries.reduce((sum, [, entries]) => sum + entries.length, 0);
    const subpathSummary = `${packages.length} package(s), ${subpathCount} subpath(s)`;

    const jestBin = join(consumerDir, 'node_modules', 'jest', 'bin', 'jest.js');
    for (const { mode, extension, nodeFlags } of [
      { mode: 'CommonJS mode (require)', extension: 'cjs', nodeFlags: [] },
      { mode: 'native ESM mode (import)', extension: 'mjs', nodeFlags: ['--experimental-vm-modules'] },
    ]) {
      // Packages are consumed through Jest config too: an entry named `setup` goes in setupFiles and
      // one named `global-setup` in globalSetup, as their READMEs tell users to do.
      const configured = (name) =>
        packagesWithEntries.flatMap(([, entries]) =>
          entries.map((entry) => entry.specifier).filter((specifier) => specifier.endsWith(`/${name}`)),
        );
      const config = JSON.stringify({
        testEnvironment: 'node',
        transform: {},
        testMatch: [`<rootDir>/tests/*.test.${extension}`],
        setupFiles: configured('setup'),
        ...(configured('global-setup').length > 0 ? { globalSetup: configured('global-setup')[0] } : {}),
      });
      const reportFile = join(workDir, `jest-${extension}.json`);
      const jest = run(process.execPath, [...nodeFlags, jestBin, '--ci', '--config', config, '--json', '--outputFile', reportFile], {
        cwd: consumerDir,
      });
      record(`Jest 30, ${mode}`, jest.status === 0, jest.status === 0 ? subpathSummary : failedTests(reportFile));
    }

    for (const { alias } of TYPESCRIPT_VERSIONS) {
      const tsc = join(consumerDir, 'node_modules', alias, 'bin', 'tsc');
      const version = run(process.execPath, [tsc, '--version'], { cwd: consumerDir, quiet: true }).stdout.trim();
      const checked = run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumerDir });
      // The summary names the errors: a failure that only says "tsc failed" gets lost among other stages' output.
      const errors = `${checked.stdout}`.split('\n').filter((line) => /error TS\d+/.test(line));
      const detail =
        errors.length === 0 ? '' : `: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}`;
      record(`tsc consumer.cts + consumer.mts (${version})`, checked.status === 0, `nodenext, strict, skipLibCheck false${detail}`);
    }
  } finally {
    if (KEEP) {
      console.log(`[pack-smoke] Kept ${workDir}`);
    } else {
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  const failed = results.filter((result) => !result.ok);
  console.log('\n[pack-smoke] Summary:');
  for (const { step, ok, detail } of results) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${step}${ok || detail === '' ? '' : `: ${detail}`}`);
  if (failed.length > 0) {
    console.error(`[pack-smoke] Failed: ${failed.length} of ${results.length} step(s). Rerun with --keep to inspect the consumer project.`);
    return 1;
  }
  console.log(`[pack-smoke] All ${results.length} steps passed.`);
  return 0;
}

process.exitCode = main();

/** The folder names of the @proving-ground packages `manifest` depends on at run time. */
function ourDependencies(manifest) {
  return Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@proving-ground/'))
    .map((name) => name.split('/')[1]);
}
