/**
 * Checks every `packages/<folder>/package.json` against the rules for published manifests in
 * STYLE.md: names, module type, published files, engines, the dual ESM/CJS exports map and its
 * types, peers, workspace ranges, and the files every package ships beside its manifest. When a
 * package has been built it also checks that every file the manifest points at exists.
 *
 * All problems are reported at once, one line each, and the exit code is 1 when there are any.
 *
 * @example
 * node scripts/check-manifests.mjs
 * node scripts/check-manifests.mjs --root /path/to/a/checkout
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';

const PACKAGE_SCOPE = '@proving-ground';

/** What each condition of an exports entry must point at. */
const CONDITION_EXTENSIONS = {
  import: { types: '.d.mts', default: '.mjs' },
  require: { types: '.d.cts', default: '.cjs' },
};

/**
 * Private kits that live in packages/ beside the published packages: shared code bundled into each
 * package's dist at build time (`kit`) and dev-only test helpers (`test-kit`). They are never
 * published, so a published package may list them in devDependencies only.
 */
const PRIVATE_KITS = new Set(['kit', 'test-kit']);

/** Folders a package keeps for its own build and tests, never published. */
const UNPUBLISHED_FOLDERS = new Set(['src', 'test', 'test-types', 'api', 'build-types', 'node_modules', '.tmp']);

const LOCAL_RANGE_PREFIXES = ['file:', 'workspace:', 'link:', 'portal:'];

/** Integrations users may or may not have: optional peers, loaded lazily, never dependencies. */
const INTEGRATIONS = ['@pact-foundation/pact', 'testcontainers', 'pg', 'msw', '@electric-sql/pglite', '@electric-sql/pglite-socket'];

/** The Jest major every package supports. */
const JEST_MAJOR = '30.0.0';

/**
 * Check the manifests of every package under `<root>/packages`.
 *
 * @param {string} root - the repository root (holds the root package.json and `packages/`)
 * @returns {{ checked: string[], problems: string[], notBuilt: string[] }} the checked manifests
 *   (relative paths), every problem found (already formatted), and the packages whose dist files
 *   were not checked because they have not been built
 * @example
 * const { problems } = checkManifests(process.cwd());
 * if (problems.length > 0) console.error(problems.join('\n'));
 */
export function checkManifests(root) {
  const problems = [];
  const checked = [];
  const notBuilt = [];

  const rootManifest = readJson(join(root, 'package.json'));
  if (rootManifest.error !== undefined) {
    problems.push(`[manifests] Failed to check package.json: ${rootManifest.error}. Fix the root manifest first.`);
    return { checked, problems, notBuilt };
  }
  const expectedNodeEngine = rootManifest.value.engines?.node;
  if (typeof expectedNodeEngine !== 'string' || semver.validRange(expectedNodeEngine) === null) {
    problems.push(
      `[manifests] Failed to check package.json: engines.node is ${JSON.stringify(expectedNodeEngine)}, not a semver range. Set the root engines.node (e.g. ">=22.19"); every package must use the same range.`,
    );
  }
  const workspaces = readWorkspaces(root, rootManifest.value.workspaces);
  for (const cycle of dependencyCycles(workspaces)) {
    problems.push(
      `[manifests] Failed to check the workspaces' build order: ${cycle.join(' -> ')} depend on each other, so \`lerna run build\` may build one before what it is built with. Remove one of these dependencies (a test-only import resolves through the workspace link without being listed).`,
    );
  }

  const packagesDir = join(root, 'packages');
  const folders = existsSync(packagesDir)
    ? readdirSync(packagesDir)
        .filter((entry) => statSync(join(packagesDir, entry)).isDirectory())
        .sort()
    : [];
  if (folders.length === 0) {
    problems.push('[manifests] Failed to check packages/: no package folders were found. Run the check from the repository root.');
  }

  for (const folder of folders) {
    const relativePath = `packages/${folder}/package.json`;
    const report = (reason, fix) => problems.push(`[manifests] Failed to check ${relativePath}: ${reason}. ${fix}`);
    const packageDir = join(packagesDir, folder);
    const manifest = readJson(join(packageDir, 'package.json'));
    if (manifest.error !== undefined) {
      report(manifest.error, 'Every folder in packages/ is a published package and needs a valid package.json.');
      continue;
    }
    checked.push(relativePath);
    if (PRIVATE_KITS.has(folder)) {
      checkPrivateKit(manifest.value, { folder, report });
      continue;
    }
    const context = { folder, packageDir, expectedNodeEngine, workspaces, report };
    checkIdentity(manifest.value, context);
    checkExports(manifest.value, context);
    checkDependencies(manifest.value, context);
    checkPackageFiles(context);
    if (existsSync(join(packageDir, 'dist'))) {
      checkBuiltFiles(manifest.value, context);
    } else {
      notBuilt.push(relativePath);
    }
  }
  return { checked, problems, notBuilt };
}

function checkPrivateKit(manifest, { folder, report }) {
  const expectedName = `${PACKAGE_SCOPE}/${folder}`;
  if (manifest.name !== expectedName) {
    report(`name is ${JSON.stringify(manifest.name)}, expected "${expectedName}"`, 'Name the kit after its folder.');
  }
  if (manifest.private !== true) {
    report(
      '"private": true is not set on a private kit',
      'Set "private": true: the kits are bundled into (kit) or only test (test-kit) the published packages and are never published.',
    );
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    const names = Object.keys(manifest[field] ?? {});
    if (names.length > 0) {
      report(
        `${field} lists ${names.join(', ')}`,
        'A private kit is bundled into the published packages, which would not bring its dependencies: keep it dependency-free, or move the code to the package that needs the dependency.',
      );
    }
  }
}

function checkIdentity(manifest, { folder, packageDir, expectedNodeEngine, report }) {
  const expectedName = `${PACKAGE_SCOPE}/${folder}`;
  if (manifest.name !== expectedName) {
    report(`name is ${JSON.stringify(manifest.name)}, expected "${expectedName}"`, 'Name the package after its folder.');
  }
  if (manifest.private === true) {
    report('"private": true is set', 'Packages in packages/ are published; move private workspaces to examples/ or bench/.');
  }
  if (typeof manifest.version !== 'string' || semver.valid(manifest.version) === null) {
    report(`version ${JSON.stringify(manifest.version)} is not a semver version`, 'Set a version such as "0.0.0"; changesets bumps it.');
  }
  if (manifest.type !== 'module') {
    report(`"type" is ${JSON.stringify(manifest.type)}`, 'Set "type": "module".');
  }
  if (!Array.isArray(manifest.files) || manifest.files[0] !== 'dist') {
    report(`"files" is ${JSON.stringify(manifest.files)}`, 'Set "files": ["dist"] so only the build output is published.');
  } else {
    for (const extra of manifest.files.slice(1)) {
      if (typeof extra !== 'string' || UNPUBLISHED_FOLDERS.has(extra.replace(/\/+$/, '')) || !existsSync(join(packageDir, extra))) {
        report(
          `"files" lists ${JSON.stringify(extra)} beside "dist"`,
          'List after "dist" only data folders users need that exist in the package (e.g. a dashboard JSON), never sources or tests.',
        );
      }
    }
  }
  const nodeEngine = manifest.engines?.node;
  if (typeof expectedNodeEngine === 'string' && nodeEngine !== expectedNodeEngine) {
    report(
      `engines.node is ${JSON.stringify(nodeEngine)}, expected "${expectedNodeEngine}"`,
      'Use the root package.json engines.node in every package.',
    );
  }
  const sideEffects = manifest.sideEffects;
  const validSideEffects =
    typeof sideEffects === 'boolean' ||
    (Array.isArray(sideEffects) && sideEffects.every((entry) => typeof entry === 'string' && entry.length > 0));
  if (!validSideEffects) {
    report(
      `"sideEffects" is ${JSON.stringify(sideEffects)}`,
      'Declare "sideEffects": false, or list the files that have side effects (e.g. ["./dist/setup.mjs", "./dist/setup.cjs"]).',
    );
  }
  const expectedDirectory = `packages/${folder}`;
  if (manifest.repository?.directory !== expectedDirectory) {
    report(
      `repository.directory is ${JSON.stringify(manifest.repository?.directory)}, expected "${expectedDirectory}"`,
      'Set repository.directory to the package folder so the registry links to the right place.',
    );
  }
  const scripts = manifest.scripts ?? {};
  if (scripts.publint !== 'publint --strict') {
    report(
      `scripts.publint is ${JSON.stringify(scripts.publint)}`,
      'Add "publint": "publint --strict"; `npm run check:publint` (lerna run publint) silently skips packages without it.',
    );
  }
  for (const script of ['build', 'test']) {
    if (typeof scripts[script] !== 'string') {
      report(`scripts.${script} is missing`, `Add a "${script}" script; the root runs it in every package through lerna.`);
    }
  }
}

function checkExports(manifest, { report }) {
  const exportsMap = manifest.exports;
  if (exportsMap === null || typeof exportsMap !== 'object' || Array.isArray(exportsMap)) {
    report(`"exports" is ${JSON.stringify(exportsMap)}`, 'Add an exports map with a "." entry holding "import" and "require" conditions.');
    return;
  }
  const subpaths = Object.keys(exportsMap);
  const badKeys = subpaths.filter((key) => key !== '.' && !key.startsWith('./'));
  if (badKeys.length > 0) {
    report(
      `exports has keys that are not subpaths: ${badKeys.join(', ')}`,
      'Put conditions under subpath keys ("." and "./name"), e.g. { ".": { "import": {...}, "require": {...} } }.',
    );
    return;
  }
  if (!('.' in exportsMap)) {
    report('exports has no "." entry', 'Export the package root.');
  }
  if ('./package.json' in exportsMap && exportsMap['./package.json'] !== './package.json') {
    report(`exports["./package.json"] is ${JSON.stringify(exportsMap['./package.json'])}`, 'Map it to "./package.json" or remove it.');
  }

  for (const subpath of subpaths) {
    if (subpath === './package.json') continue;
    const entry = exportsMap[subpath];
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      report(
        `exports["${subpath}"] is ${JSON.stringify(entry)}, not an object of conditions`,
        'Give it "import" and "require" conditions, each with "types" and "default".',
      );
      continue;
    }
    for (const condition of Object.keys(entry)) {
      if (!(condition in CONDITION_EXTENSIONS)) {
        report(
          `exports["${subpath}"] has the condition "${condition}"`,
          'Use only "import" and "require": another condition (node, default, development) can point users at unbuilt or untested files.',
        );
      }
    }
    for (const [condition, extensions] of Object.entries(CONDITION_EXTENSIONS)) {
      const target = entry[condition];
      const where = `exports["${subpath}"].${condition}`;
      if (target === null || typeof target !== 'object' || Array.isArray(target)) {
        report(
          `${where} is ${JSON.stringify(target)}`,
          `Add { "types": "./dist/<entry>${extensions.types}", "default": "./dist/<entry>${extensions.default}" }.`,
        );
        continue;
      }
      if (Object.keys(target)[0] !== 'types') {
        report(
          `${where} does not list "types" first`,
          'Move "types" to the first key; conditions match in order, so TypeScript would miss it.',
        );
      }
      for (const [key, extension] of Object.entries(extensions)) {
        const file = target[key];
        if (typeof file !== 'string') {
          report(`${where}.${key} is missing`, `Point it at the ${extension} file the build emits.`);
        } else if (!file.startsWith('./dist/') || !file.endsWith(extension)) {
          report(
            `${where}.${key} is "${file}", expected a "./dist/…${extension}" file`,
            `The ${condition} condition must point at ${extension} files inside dist (the only published folder).`,
          );
        }
      }
    }
  }

  const root = exportsMap['.'];
  const rootRequire = root?.require;
  const rootImport = root?.import;
  if (rootRequire !== undefined && typeof rootRequire === 'object') {
    if (manifest.main !== rootRequire.default) {
      report(
        `"main" is ${JSON.stringify(manifest.main)}, but exports["."].require.default is ${JSON.stringify(rootRequire.default)}`,
        'Make "main" match the CommonJS entry, for tools that ignore the exports map.',
      );
    }
    if (manifest.types !== rootRequire.types) {
      report(
        `"types" is ${JSON.stringify(manifest.types)}, but exports["."].require.types is ${JSON.stringify(rootRequire.types)}`,
        'Make "types" match the types of the "main" entry (moduleResolution node10 reads it).',
      );
    }
  }
  if (manifest.module !== undefined && rootImport !== undefined && manifest.module !== rootImport.default) {
    report(
      `"module" is ${JSON.stringify(manifest.module)}, but exports["."].import.default is ${JSON.stringify(rootImport.default)}`,
      'Make "module" match the ESM entry, or remove it.',
    );
  }
}

function checkDependencies(manifest, { workspaces, report }) {
  const peers = manifest.peerDependencies ?? {};
  const peersMeta = manifest.peerDependenciesMeta ?? {};
  const devDependencies = manifest.devDependencies ?? {};

  if (!('jest' in peers)) {
    report(
      'jest is not in peerDependencies',
      'Add "jest": "^30.0.0" to peerDependencies; Jest is the host framework, users bring their own.',
    );
  } else if (semver.validRange(peers.jest) !== null && !semver.satisfies(JEST_MAJOR, peers.jest)) {
    report(`peerDependencies["jest"] is "${peers.jest}", which excludes Jest 30`, 'Use "^30.0.0" (or a range that includes it).');
  }
  for (const name of INTEGRATIONS) {
    if (name in (manifest.dependencies ?? {})) {
      report(
        `${name} is in dependencies`,
        `Make it an optional peer (peerDependencies plus peerDependenciesMeta optional) and load it lazily.`,
      );
    } else if (name in peers && peersMeta[name]?.optional !== true) {
      report(
        `the integration ${name} is a required peer`,
        `Mark it optional in peerDependenciesMeta; users without it must still install the package.`,
      );
    }
  }
  for (const [field, ranges] of [
    ['dependencies', manifest.dependencies ?? {}],
    ['peerDependencies', peers],
    ['optionalDependencies', manifest.optionalDependencies ?? {}],
  ]) {
    for (const [name, range] of Object.entries(ranges)) {
      const where = `${field}["${name}"]`;
      const workspace = workspaces.get(name);
      if (name.startsWith(`${PACKAGE_SCOPE}/`) && PRIVATE_KITS.has(name.slice(PACKAGE_SCOPE.length + 1))) {
        report(
          `${where} names the private kit ${name}, which is never published`,
          'Move it to devDependencies: users never install the kits (the build bundles @proving-ground/kit into dist; @proving-ground/test-kit is for tests only).',
        );
      } else if (typeof range !== 'string') {
        report(`${where} is ${JSON.stringify(range)}`, 'Use a semver range string.');
      } else if (LOCAL_RANGE_PREFIXES.some((prefix) => range.startsWith(prefix))) {
        report(
          `${where} is "${range}", a local path that does not exist once published`,
          workspace === undefined
            ? 'Use a semver range from the registry.'
            : `Use a semver range that ${name}@${workspace.version} satisfies (e.g. "^${workspace.version}"); npm links workspaces by version.`,
        );
      } else if (workspace !== undefined && workspace.private) {
        report(`${where} names the private workspace ${name}`, 'Published packages cannot depend on private workspaces.');
      } else if (workspace !== undefined && (range.trim() === '*' || range.trim() === '')) {
        report(
          `${where} is "${range}", which lets any published version in`,
          `Use a real range such as "^${workspace.version}"; "*" is allowed in devDependencies only.`,
        );
      } else if (semver.validRange(range) === null) {
        report(`${where} is "${range}", not a valid semver range`, 'Use a range such as "^1.2.0" or ">=1.2.0".');
      } else if (workspace !== undefined && !semver.satisfies(workspace.version, range, { includePrerelease: true })) {
        report(
          `${where} is "${range}", which the workspace's own version ${workspace.version} does not satisfy`,
          'Widen the range; otherwise npm installs the registry copy instead of linking the workspace.',
        );
      }
    }
  }

  for (const [name, meta] of Object.entries(peersMeta)) {
    const where = `peerDependenciesMeta["${name}"]`;
    if (!(name in peers)) {
      report(`${where} names a package that is not in peerDependencies`, `Add ${name} to peerDependencies or remove the entry.`);
      continue;
    }
    if (meta?.optional !== true) {
      report(
        `${where}.optional is ${JSON.stringify(meta?.optional)}`,
        'Set "optional": true, or remove the entry to make the peer required.',
      );
      continue;
    }
    const devRange = devDependencies[name];
    if (devRange === undefined) {
      report(
        `the optional peer ${name} is not in devDependencies`,
        `Add it to devDependencies so the package's own tests exercise the integration (e.g. "${name}": "${peers[name]}").`,
      );
    } else if (semver.validRange(devRange) !== null && semver.validRange(peers[name]) !== null && !rangesOverlap(devRange, peers[name])) {
      report(
        `devDependencies["${name}"] is "${devRange}", outside the peer range "${peers[name]}"`,
        'Test against a version users may install: bring the two ranges together.',
      );
    }
  }
}

function checkPackageFiles({ folder, packageDir, report }) {
  for (const [file, what] of [
    ['README.md', 'the package README (purpose, install with peers, quick start, API, errors, requirements)'],
    ['CHANGELOG.md', 'a CHANGELOG.md (a "# @proving-ground/<name>" heading is enough; changesets fills it)'],
  ]) {
    if (!existsSync(join(packageDir, file))) {
      report(`packages/${folder}/${file} is missing`, `Add ${what}.`);
    }
  }
}

function checkBuiltFiles(manifest, { packageDir, report }) {
  const targets = new Map();
  for (const field of ['main', 'module', 'types']) {
    if (typeof manifest[field] === 'string') targets.set(manifest[field], `"${field}"`);
  }
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json' || entry === null || typeof entry !== 'object') continue;
    for (const condition of Object.keys(CONDITION_EXTENSIONS)) {
      for (const [key, file] of Object.entries(entry[condition] ?? {})) {
        if (typeof file === 'string') targets.set(file, `exports["${subpath}"].${condition}.${key}`);
      }
    }
  }
  for (const [file, field] of targets) {
    if (!file.includes('*') && !existsSync(join(packageDir, file))) {
      report(
        `${field} points at ${file}, which the build did not produce`,
        'Add the entry to the tsdown config or fix the path, then run `npm run build`.',
      );
    }
  }
}

function rangesOverlap(a, b) {
  try {
    return semver.intersects(a, b, { includePrerelease: true });
  } catch {
    return true;
  }
}

function readJson(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { error: error.code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${error.message})` };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `the file is not valid JSON (${error.message})` };
  }
}

/**
 * Each cycle among the workspaces' dependencies (all fields), as the names along it with the first
 * repeated at the end; each cycle once, starting at its alphabetically first member.
 */
export function dependencyCycles(workspaces) {
  const cycles = new Map();
  const visit = (name, path) => {
    for (const next of [...(workspaces.get(name)?.dependsOn ?? [])].sort()) {
      if (!workspaces.has(next) || next === name) continue;
      const at = path.indexOf(next);
      if (at !== -1) {
        const members = path.slice(at);
        const first = members.indexOf([...members].sort()[0]);
        const rotated = [...members.slice(first), ...members.slice(0, first)];
        cycles.set(rotated.join(' '), [...rotated, rotated[0]]);
      } else {
        visit(next, [...path, next]);
      }
    }
  };
  for (const name of [...workspaces.keys()].sort()) visit(name, [name]);
  return [...cycles.values()];
}

/** Every workspace of the root manifest, by package name. Supports the `dir` and `dir/*` forms used here. */
function readWorkspaces(root, patterns) {
  const workspaces = new Map();
  const dirs = [];
  for (const pattern of Array.isArray(patterns) ? patterns : []) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent)) dirs.push(join(parent, entry));
    } else {
      dirs.push(join(root, pattern));
    }
  }
  for (const dir of dirs) {
    const manifest = readJson(join(dir, 'package.json'));
    if (manifest.value?.name !== undefined) {
      const dependsOn = new Set(
        ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
          Object.keys(manifest.value[field] ?? {}),
        ),
      );
      workspaces.set(manifest.value.name, {
        version: String(manifest.value.version ?? '0.0.0'),
        private: manifest.value.private === true,
        dependsOn,
      });
    }
  }
  return workspaces;
}

function main(argv) {
  const rootFlag = argv.indexOf('--root');
  const root = rootFlag === -1 ? resolve(fileURLToPath(new URL('..', import.meta.url))) : resolve(argv[rootFlag + 1] ?? '.');
  const { checked, problems, notBuilt } = checkManifests(root);
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`\n[manifests] ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${checked.length} manifest(s).`);
    return 1;
  }
  console.log(`[manifests] Checked ${checked.length} manifest(s): ${checked.join(', ')}.`);
  if (notBuilt.length > 0) {
    console.log(
      `[manifests] Not built, so dist files were not checked: ${notBuilt.join(', ')}. Run \`npm run build\` first to check them.`,
    );
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
