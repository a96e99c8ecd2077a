// A seeded generator of a realistic ~2,000-file repository for the impact-analyzer benches: plain
// CommonJS (Jest runs it without a transform), source modules in four layers (core → lib →
// services → features) with relative and `@app/*` alias imports (tsconfig paths + Jest
// moduleNameMapper), barrels, data files read with fs by source modules, JSON fixtures read with fs
// by tests, a setup file, ~300 test files whose expected values are computed from the code itself,
// committed with git, plus a synthetic history of commits.
// `node impact-analyzer/fixture-repo.mjs <dir> [--quick]` writes one; the benches import it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const MONOREPO = join(BENCH_DIR, '..', '..');
export const JEST_BIN = join(MONOREPO, 'node_modules', 'jest', 'bin', 'jest.js');
export const ANALYZER_DIST = join(MONOREPO, 'packages', 'impact-analyzer', 'dist');

/** mulberry32: a small seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[Math.floor(next() * list.length)];
  return next;
}

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const LAYERS = ['core', 'lib', 'services', 'features'];
const INPUTS = [0, 1, 2, 3, 4, 5, 7, 11];

function write(root, path, text) {
  const absolute = join(root, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, text);
}

/**
 * Writes the repository at `root` (emptied first), commits it, and returns its layout.
 * Sizes: full ≈ 2,000 files; quick ≈ 600.
 */
export function generateFixtureRepo(root, { seed = 42, quick = false } = {}) {
  const random = prng(seed);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const folders = quick ? [3, 3, 3, 3] : [8, 10, 12, 10];
  const perFolder = quick ? 12 : 40;
  const testCount = quick ? 80 : 300;
  const modules = []; // { id, layer, folder, path, deps: [{ id, how }], dataFile? }
  const dataFiles = [];
  for (let d = 0; d < (quick ? 3 : 6); d++) dataFiles.push(`data/table-${d}.json`);
  for (const data of dataFiles) write(root, data, `${JSON.stringify({ offset: random.int(9) + 1, label: data }, null, 2)}\n`);
  let id = 0;
  const byLayer = LAYERS.map(() => []);
  const barrels = [];
  LAYERS.forEach((layer, l) => {
    for (let f = 0; f < folders[l]; f++) {
      const folder = `src/${layer}/${layer}-${f}`;
      const members = [];
      for (let m = 0; m < perFolder; m++) {
        const module = { id: id++, layer: l, folder, path: `${folder}/m${id - 1}.js`, deps: [] };
        if (l > 0) {
          const count = 1 + random.int(3);
          for (let k = 0; k < count; k++) {
            const lower = byLayer[l - 1 - (random() < 0.25 && l > 1 ? 1 : 0)];
            const dep = random.pick(lower);
            if (module.deps.some((x) => x.id === dep.id)) continue;
            const r = random();
            module.deps.push({ id: dep.id, how: r < 0.5 ? 'relative' : r < 0.8 ? 'alias' : 'barrel' });
          }
        }
        if (l === 0 && random() < 0.08) module.dataFile = random.pick(dataFiles);
        members.push(module);
        modules.push(module);
      }
      byLayer[l].push(...members);
      if (l < 3) barrels.push({ folder, members });
    }
  });
  const byId = (n) => modules[n];
  const specifier = (from, dep) => {
    const target = byId(dep.id);
    if (dep.how === 'alias') return `@app/${target.path.slice(4, -3)}`;
    if (dep.how === 'barrel') {
      let rel = relative(dirname(from.path), target.folder);
      return rel.startsWith('.') ? rel : `./${rel || '.'}`.replace(/\/\.$/, '');
    }
    const rel = relative(dirname(from.path), target.path);
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  for (const module of modules) {
    const n = module.id;
    const lines = ["'use strict';"];
    if (module.dataFile) {
      lines.push("const fs = require('node:fs');", "const path = require('node:path');");
    }
    module.deps.forEach((dep, k) => lines.push(`const d${k} = require('${specifier(module, dep)}');`));
    const c1 = 1 + random.int(9);
    const c2 = 2 + random.int(5);
    const c3 = 2 + random.int(6);
    lines.push(`const LIMIT_${n} = ${c1};`, `const TAG_${n} = 'm${n}';`, '');
    if (module.dataFile) {
      const up = relative(dirname(module.path), module.dataFile);
      lines.push(`function table${n}() {`, `  return JSON.parse(fs.readFileSync(path.join(__dirname, '${up}'), 'utf8'));`, '}', '');
    }
    lines.push(`function f${n}(x) {`);
    lines.push(
      module.deps.length === 0
        ? `  let v = x * ${c2} + LIMIT_${n};`
        : `  let v = ${module.deps.map((dep, k) => `d${k}.f${dep.id}(x)`).join(' + ')};`,
    );
    if (module.dataFile) lines.push(`  v = v + table${n}().offset;`);
    lines.push(`  if (v % ${c3} === 0) {`, `    v = v + LIMIT_${n};`, '  } else {', `    v = v - 1;`, '  }');
    lines.push(`  if (x < ${2 + random.int(5)}) {`, `    v = v * 2;`, '  }');
    lines.push(`  return v % 10007;`, '}', '');
    lines.push(`function label${n}(x) {`, `  return TAG_${n} + ':' + f${n}(x);`, '}', '');
    lines.push(`module.exports = { f${n}, label${n}, LIMIT_${n} };`, '');
    write(root, module.path, lines.join('\n'));
  }
  // Two barrel styles, alternating by folder: `...require('./m.js')` inside the object literal, which
  // Jest's dependency extractor does not see (its `require` pattern refuses a `.` before `require`),
  // and the same members required into constants first, which it does see.
  barrels.forEach((barrel, index) => {
    const members = barrel.members.map((member) => `./${member.path.slice(barrel.folder.length + 1)}`);
    const text = ["'use strict';", ''];
    if (index % 2 === 0) {
      text.push('module.exports = {', ...members.map((member) => `  ...require('${member}'),`), '};', '');
    } else {
      members.forEach((member, k) => text.push(`const member${k} = require('${member}');`));
      text.push('', 'module.exports = {', ...members.map((_, k) => `  ...member${k},`), '};', '');
    }
    write(root, `${barrel.folder}/index.js`, text.join('\n'));
  });
  // Configuration.
  write(
    root,
    'package.json',
    `${JSON.stringify({ name: 'fixture-app', version: '1.0.0', private: true, scripts: { test: 'jest' } }, null, 2)}\n`,
  );
  write(
    root,
    'tsconfig.json',
    `${JSON.stringify({ compilerOptions: { allowJs: true, checkJs: false, baseUrl: '.', paths: { '@app/*': ['src/*'] } }, include: ['src', 'test'] }, null, 2)}\n`,
  );
  write(
    root,
    'jest.config.js',
    [
      "'use strict';",
      '',
      'module.exports = {',
      "  testEnvironment: 'node',",
      "  testMatch: ['<rootDir>/test/**/*.test.js'],",
      '  transform: {},',
      "  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1' },",
      "  setupFilesAfterEnv: ['<rootDir>/test/setup.js'],",
      '};',
      '',
    ].join('\n'),
  );
  write(
    root,
    'test/setup.js',
    [
      "'use strict';",
      '',
      'expect.extend({',
      '  toBeLabel(received, prefix) {',
      "    const pass = typeof received === 'string' && received.startsWith(prefix + ':');",
      '    return { pass, message: () => `expected ${received} to be a label of ${prefix}` };',
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  write(root, '.gitignore', 'node_modules/\n.impact-analyzer/\n');
  write(root, 'README.md', '# fixture-app\n\nGenerated by bench/impact-analyzer/fixture-repo.mjs.\n');

  // Expected values come from the generated code itself, loaded with the alias mapped.
  const require = createRequire(join(root, 'package.json'));
  const Module = require('node:module');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request.startsWith('@app/')) request = join(root, 'src', request.slice(5));
    return original.call(this, request, ...rest);
  };
  const fixtures = [];
  const tests = [];
  const topLayers = modules.filter((m) => m.layer >= 2);
  try {
    for (let t = 0; t < testCount; t++) {
      const targets = [random.pick(topLayers)];
      if (random() < 0.4) targets.push(random.pick(modules.filter((m) => m.layer === 1)));
      const area = targets[0].folder.split('/')[2];
      const path = `test/${LAYERS[targets[0].layer]}/${area}/t${t}.test.js`;
      const lines = ["'use strict';"];
      const fixture = random() < 0.15 ? `test/fixtures/f${t}.json` : undefined;
      if (fixture) lines.push("const fs = require('node:fs');", "const path = require('node:path');");
      targets.forEach((target, k) => {
        const spec = random() < 0.5 ? `@app/${target.path.slice(4, -3)}` : relative(dirname(path), target.path);
        lines.push(`const s${k} = require('${spec}');`);
      });
      lines.push('', `describe('t${t}', () => {`);
      targets.forEach((target, k) => {
        const loaded = require(join(root, target.path));
        const values = INPUTS.map((x) => loaded[`f${target.id}`](x));
        lines.push(
          `  it('should compute f${target.id}', () => {`,
          `    expect(${JSON.stringify(INPUTS)}.map((x) => s${k}.f${target.id}(x))).toEqual(${JSON.stringify(values)});`,
          '  });',
          `  it('should label m${target.id}', () => {`,
          `    expect(s${k}.label${target.id}(3)).toBeLabel('m${target.id}');`,
          '  });',
        );
      });
      if (fixture) {
        const x = 1 + random.int(20);
        const loaded = require(join(root, targets[0].path));
        write(root, fixture, `${JSON.stringify({ input: x, expected: loaded[`f${targets[0].id}`](x) }, null, 2)}\n`);
        fixtures.push(fixture);
        lines.push(
          "  it('should match its fixture', () => {",
          `    const data = JSON.parse(fs.readFileSync(path.join(__dirname, '${relative(dirname(path), fixture)}'), 'utf8'));`,
          `    expect(s0.f${targets[0].id}(data.input)).toBe(data.expected);`,
          '  });',
        );
      }
      lines.push('});', '');
      write(root, path, lines.join('\n'));
      tests.push({ path, targets: targets.map((m) => m.id), fixture });
    }
  } finally {
    Module._resolveFilename = original;
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'bench@example.invalid');
  git(root, 'config', 'user.name', 'bench');
  git(root, 'config', 'commit.gpgsign', 'false');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return { root, modules, tests, fixtures, dataFiles, barrels: barrels.map((b) => `${b.folder}/index.js`) };
}

/** A behaviour-neutral code edit of a source module (a new local line in its first function). */
function codeOnlyEdit(root, path, random) {
  const text = readFileSync(join(root, path), 'utf8');
  const edited = text.replace(/(function f\d+\(x\) \{\n)/, `$1  const trace${random.int(1e6)} = x;\n`);
  writeFileSync(join(root, path), edited);
}

/**
 * Adds `count` commits: mostly code-only edits of 1-3 source modules, and some test, fixture, data
 * and config edits. Returns [{ commit, parent, kind, files }], oldest first.
 */
export function generateHistory(layout, { seed = 7, count = 20 } = {}) {
  const { root, modules, tests, fixtures, dataFiles } = layout;
  const random = prng(seed);
  const history = [];
  for (let c = 0; c < count; c++) {
    const parent = git(root, 'rev-parse', 'HEAD');
    const r = random();
    let kind;
    const files = [];
    if (r < 0.7) {
      kind = 'code-only';
      const n = 1 + random.int(3);
      for (let k = 0; k < n; k++) {
        const path = random.pick(modules).path;
        if (!files.includes(path)) files.push(path);
      }
      for (const path of files) codeOnlyEdit(root, path, random);
    } else if (r < 0.8) {
      kind = 'test';
      const path = random.pick(tests).path;
      writeFileSync(join(root, path), `${readFileSync(join(root, path), 'utf8')}// reviewed ${c}\n`);
      files.push(path);
    } else if (r < 0.88 && fixtures.length > 0) {
      kind = 'fixture';
      const path = random.pick(fixtures);
      const data = JSON.parse(readFileSync(join(root, path), 'utf8'));
      writeFileSync(join(root, path), `${JSON.stringify({ ...data, note: `edit ${c}` }, null, 2)}\n`);
      files.push(path);
    } else if (r < 0.96) {
      kind = 'data';
      const path = random.pick(dataFiles);
      const data = JSON.parse(readFileSync(join(root, path), 'utf8'));
      writeFileSync(join(root, path), `${JSON.stringify({ ...data, note: `edit ${c}` }, null, 2)}\n`);
      files.push(path);
    } else {
      kind = 'config';
      const path = 'jest.config.js';
      writeFileSync(
        join(root, path),
        readFileSync(join(root, path), 'utf8').replace("testEnvironment: 'node',", `testEnvironment: 'node',\n  // tuned ${c}`),
      );
      files.push(path);
    }
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', `${kind}: edit ${files.join(', ')}`);
    history.push({ commit: git(root, 'rev-parse', 'HEAD'), parent, kind, files });
  }
  return history;
}

/** Runs real Jest in the fixture repository; `record` adds the analyzer's reporter and recorder. */
export function runJest(root, args, { record = false } = {}) {
  const extra = record
    ? [
        '--reporters=default',
        `--reporters=${join(ANALYZER_DIST, 'reporter.cjs')}`,
        `--setupFilesAfterEnv=${join(root, 'test/setup.js')}`,
        `--setupFilesAfterEnv=${join(ANALYZER_DIST, 'recorder.cjs')}`,
      ]
    : [];
  try {
    const stdout = execFileSync(process.execPath, [JEST_BIN, '--ci', ...extra, ...args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stdout };
  } catch (error) {
    return { code: error.status ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

export function countFiles(root) {
  return git(root, 'ls-files').split('\n').filter(Boolean).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(BENCH_DIR, '.tmp', 'fixture');
  const quick = process.argv.includes('--quick');
  const started = performance.now();
  const layout = generateFixtureRepo(dir, { quick });
  const history = generateHistory(layout, { count: quick ? 8 : 20 });
  console.log(
    `${dir}: ${countFiles(dir)} files, ${layout.modules.length} modules, ${layout.tests.length} tests, ${history.length} commits in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!existsSync(join(dir, '.git'))) process.exit(1);
}
