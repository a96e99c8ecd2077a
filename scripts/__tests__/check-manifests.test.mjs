import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkManifests } from '../check-manifests.mjs';

const SCRIPT = fileURLToPath(new URL('../check-manifests.mjs', import.meta.url));
const ENTRIES = ['index', 'setup'];

function goodManifest(folder) {
  const entry = (name) => ({
    import: { types: `./dist/${name}.d.mts`, default: `./dist/${name}.mjs` },
    require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
  });
  return {
    name: `@proving-ground/${folder}`,
    version: '0.1.0',
    type: 'module',
    sideEffects: false,
    exports: { '.': entry('index'), './setup': entry('setup'), './package.json': './package.json' },
    main: './dist/index.cjs',
    module: './dist/index.mjs',
    types: './dist/index.d.cts',
    files: ['dist'],
    engines: { node: '>=22.19' },
    scripts: { build: 'tsdown', publint: 'publint --strict', test: 'jest' },
    peerDependencies: { jest: '^30.0.0', pg: '>=8.0.0' },
    peerDependenciesMeta: { pg: { optional: true } },
    devDependencies: { pg: '^8.23.1', '@proving-ground/other': '*' },
    repository: { type: 'git', url: 'git+https://example.invalid/proving-ground.git', directory: `packages/${folder}` },
  };
}

const roots = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Write a small monorepo to a temporary folder: `packages` maps folder names to manifests. */
function writeRepo(packages, { built = true, withDocs = true } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'check-manifests-'));
  roots.push(root);
  const write = (file, content) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  };
  write('package.json', { name: 'repo', private: true, workspaces: ['packages/*', 'examples/*'], engines: { node: '>=22.19' } });
  write('examples/app/package.json', { name: 'app', version: '0.0.0', private: true });
  for (const [folder, manifest] of Object.entries(packages)) {
    write(`packages/${folder}/package.json`, manifest);
    if (withDocs) {
      write(`packages/${folder}/README.md`, `# @proving-ground/${folder}\n`);
      write(`packages/${folder}/CHANGELOG.md`, `# @proving-ground/${folder}\n`);
    }
    if (built) {
      for (const name of ENTRIES) {
        for (const extension of ['.mjs', '.cjs', '.d.mts', '.d.cts']) write(`packages/${folder}/dist/${name}${extension}`, '');
      }
    }
  }
  return root;
}

describe('checkManifests', () => {
  it('should accept manifests that follow every rule', () => {
    const root = writeRepo({ other: goodManifest('other'), widgets: goodManifest('widgets') });

    const result = checkManifests(root);

    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.checked, ['packages/other/package.json', 'packages/widgets/package.json']);
    assert.deepEqual(result.notBuilt, []);
  });

  it('should report every problem of a manifest at once, in the house format', () => {
    const manifest = goodManifest('widgets');
    manifest.name = '@proving-ground/widget';
    manifest.type = 'commonjs';
    manifest.files = ['dist', 'src'];
    manifest.engines = { node: '>=20' };
    delete manifest.sideEffects;
    manifest.repository.directory = 'packages/widget';
    const root = writeRepo({ widgets: manifest }, { withDocs: false });

    const { problems } = checkManifests(root);

    const prefix = '[manifests] Failed to check packages/widgets/package.json: ';
    assert.ok(
      problems.every((problem) => problem.startsWith(prefix)),
      problems.join('\n'),
    );
    for (const expected of [
      'name is "@proving-ground/widget", expected "@proving-ground/widgets"',
      '"type" is "commonjs"',
      '"files" lists "src" beside "dist"',
      'engines.node is ">=20", expected ">=22.19"',
      '"sideEffects" is undefined',
      'repository.directory is "packages/widget", expected "packages/widgets"',
      'packages/widgets/README.md is missing',
      'packages/widgets/CHANGELOG.md is missing',
    ]) {
      assert.ok(
        problems.some((problem) => problem.startsWith(prefix + expected)),
        `expected a problem starting with "${expected}" in:\n${problems.join('\n')}`,
      );
    }
    assert.equal(problems.length, 8);
  });

  it('should report exports entries without both conditions, types first and matching extensions', () => {
    const manifest = goodManifest('widgets');
    manifest.exports['./setup'] = {
      import: { default: './dist/setup.mjs', types: './dist/setup.d.mts' },
      require: { types: './dist/setup.d.mts', default: './dist/setup.js' },
    };
    manifest.exports['./runtime'] = { import: { types: './dist/runtime.d.mts', default: './dist/runtime.mjs' } };
    manifest.exports['./legacy'] = './dist/legacy.cjs';
    manifest.main = './dist/index.js';
    const root = writeRepo({ widgets: manifest }, { built: false });

    const { problems } = checkManifests(root);

    const reasons = problems.map((problem) => problem.replace('[manifests] Failed to check packages/widgets/package.json: ', ''));
    for (const expected of [
      'exports["./setup"].import does not list "types" first',
      'exports["./setup"].require.types is "./dist/setup.d.mts", expected a "./dist/….d.cts" file',
      'exports["./setup"].require.default is "./dist/setup.js", expected a "./dist/….cjs" file',
      'exports["./runtime"].require is undefined',
      'exports["./legacy"] is "./dist/legacy.cjs", not an object of conditions',
      '"main" is "./dist/index.js", but exports["."].require.default is "./dist/index.cjs"',
    ]) {
      assert.ok(
        reasons.some((reason) => reason.startsWith(expected)),
        `expected "${expected}" in:\n${reasons.join('\n')}`,
      );
    }
    assert.equal(problems.length, 6);
  });

  it('should report invalid peers and local workspace ranges in published dependencies', () => {
    const manifest = goodManifest('widgets');
    manifest.peerDependencies = { pg: 'eight', testcontainers: '>=12', '@proving-ground/other': '*' };
    manifest.peerDependenciesMeta = { pg: { optional: true }, testcontainers: { optional: true }, msw: { optional: true } };
    manifest.dependencies = { '@proving-ground/other': 'workspace:*', app: '^0.0.0' };
    const root = writeRepo({ other: goodManifest('other'), widgets: manifest });

    const { problems } = checkManifests(root);

    const reasons = problems.map((problem) => problem.replace('[manifests] Failed to check packages/widgets/package.json: ', ''));
    for (const expected of [
      'jest is not in peerDependencies',
      'peerDependencies["pg"] is "eight", not a valid semver range',
      'peerDependencies["@proving-ground/other"] is "*"',
      'dependencies["@proving-ground/other"] is "workspace:*"',
      'dependencies["app"] names the private workspace app',
      'peerDependenciesMeta["msw"] names a package that is not in peerDependencies',
      'the optional peer testcontainers is not in devDependencies',
    ]) {
      assert.ok(
        reasons.some((reason) => reason.startsWith(expected)),
        `expected "${expected}" in:\n${reasons.join('\n')}`,
      );
    }
    assert.equal(problems.length, 7);
  });

  it('should accept the private kits and refuse them as dependencies of a published package', () => {
    const kit = { name: '@proving-ground/kit', version: '0.0.0', private: true, type: 'module' };
    const testKit = {
      name: '@proving-ground/test-kit',
      version: '0.0.0',
      private: true,
      type: 'module',
      dependencies: { jest: '^30.0.0' },
    };
    const published = goodManifest('widgets');
    published.dependencies = { '@proving-ground/kit': '0.0.0' };
    published.optionalDependencies = { '@proving-ground/test-kit': '0.0.0' };
    published.devDependencies = { ...published.devDependencies, '@proving-ground/kit': '0.0.0' };
    const root = writeRepo({ kit, 'test-kit': testKit, widgets: published });

    const { problems } = checkManifests(root);

    assert.deepEqual(problems, [
      '[manifests] Failed to check packages/test-kit/package.json: dependencies lists jest. A private kit is bundled into the published packages, which would not bring its dependencies: keep it dependency-free, or move the code to the package that needs the dependency.',
      '[manifests] Failed to check packages/widgets/package.json: dependencies["@proving-ground/kit"] names the private kit @proving-ground/kit, which is never published. Move it to devDependencies: users never install the kits (the build bundles @proving-ground/kit into dist; @proving-ground/test-kit is for tests only).',
      '[manifests] Failed to check packages/widgets/package.json: optionalDependencies["@proving-ground/test-kit"] names the private kit @proving-ground/test-kit, which is never published. Move it to devDependencies: users never install the kits (the build bundles @proving-ground/kit into dist; @proving-ground/test-kit is for tests only).',
    ]);
  });

  it('should report workspaces that depend on each other, whatever the dependency field', () => {
    const kit = {
      name: '@proving-ground/kit',
      version: '0.0.0',
      private: true,
      type: 'module',
      devDependencies: { '@proving-ground/test-kit': '0.0.0' },
    };
    const testKit = {
      name: '@proving-ground/test-kit',
      version: '0.0.0',
      private: true,
      type: 'module',
      devDependencies: { '@proving-ground/kit': '0.0.0' },
    };
    const root = writeRepo({ kit, 'test-kit': testKit });

    const { problems } = checkManifests(root);

    assert.deepEqual(problems, [
      "[manifests] Failed to check the workspaces' build order: @proving-ground/kit -> @proving-ground/test-kit -> @proving-ground/kit depend on each other, so `lerna run build` may build one before what it is built with. Remove one of these dependencies (a test-only import resolves through the workspace link without being listed).",
    ]);
  });

  it('should accept a data folder published beside dist, and refuse one that does not exist', () => {
    const withData = goodManifest('widgets');
    withData.files = ['dist', 'grafana'];
    const missing = goodManifest('other');
    missing.files = ['dist', 'dashboards'];
    const root = writeRepo({ other: missing, widgets: withData });
    mkdirSync(join(root, 'packages/widgets/grafana'));

    const { problems } = checkManifests(root);

    assert.deepEqual(problems, [
      '[manifests] Failed to check packages/other/package.json: "files" lists "dashboards" beside "dist". List after "dist" only data folders users need that exist in the package (e.g. a dashboard JSON), never sources or tests.',
    ]);
  });

  it('should report a private kit that is not marked private', () => {
    const root = writeRepo({ kit: { name: '@proving-ground/kit', version: '0.0.0', type: 'module' } });

    const { problems } = checkManifests(root);

    assert.equal(problems.length, 1);
    assert.match(problems[0], /packages\/kit\/package\.json: "private": true is not set on a private kit/);
  });

  it('should report integrations as dependencies or required peers, a Jest range without 30, and extra export conditions', () => {
    const manifest = goodManifest('widgets');
    manifest.dependencies = { testcontainers: '^12.0.0' };
    manifest.peerDependencies = { jest: '^29.0.0', msw: '^3.0.0' };
    manifest.peerDependenciesMeta = {};
    manifest.exports['.'].node = './src/index.ts';
    const root = writeRepo({ widgets: manifest });

    const { problems } = checkManifests(root);

    const reasons = problems.map((problem) => problem.replace('[manifests] Failed to check packages/widgets/package.json: ', ''));
    for (const expected of [
      'peerDependencies["jest"] is "^29.0.0", which excludes Jest 30',
      'testcontainers is in dependencies',
      'the integration msw is a required peer',
      'exports["."] has the condition "node"',
    ]) {
      assert.ok(
        reasons.some((reason) => reason.startsWith(expected)),
        `expected "${expected}" in:\n${reasons.join('\n')}`,
      );
    }
  });

  it('should report exports targets the build did not produce, and skip that check before a build', () => {
    const manifest = goodManifest('widgets');
    manifest.exports['./extra'] = {
      import: { types: './dist/extra.d.mts', default: './dist/extra.mjs' },
      require: { types: './dist/extra.d.cts', default: './dist/extra.cjs' },
    };
    const builtRoot = writeRepo({ widgets: manifest });
    const unbuiltRoot = writeRepo({ widgets: manifest }, { built: false });

    const built = checkManifests(builtRoot);
    const unbuilt = checkManifests(unbuiltRoot);

    assert.equal(built.problems.length, 4);
    assert.match(
      built.problems[0],
      /exports\["\.\/extra"\]\.import\.types points at \.\/dist\/extra\.d\.mts, which the build did not produce/,
    );
    assert.deepEqual(unbuilt.problems, []);
    assert.deepEqual(unbuilt.notBuilt, ['packages/widgets/package.json']);
  });
});

describe('check-manifests.mjs', () => {
  it('should exit 1 and print every problem when a manifest is wrong', () => {
    const manifest = goodManifest('widgets');
    manifest.type = 'commonjs';
    delete manifest.repository;
    const root = writeRepo({ widgets: manifest });

    const run = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });

    assert.equal(run.status, 1);
    assert.match(run.stderr, /Failed to check packages\/widgets\/package\.json: "type" is "commonjs"\. Set "type": "module"\./);
    assert.match(run.stderr, /Failed to check packages\/widgets\/package\.json: repository\.directory is undefined/);
    assert.match(run.stderr, /2 problems in 1 manifest\(s\)\./);
  });

  it('should exit 0 and name the checked manifests when all is well', () => {
    const root = writeRepo({ widgets: goodManifest('widgets') });

    const run = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });

    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Checked 1 manifest\(s\): packages\/widgets\/package\.json\./);
  });
});
