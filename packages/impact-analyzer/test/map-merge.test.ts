import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';
import { readImpactMap } from '../src/map/map-file.js';
import { mergeImpactMaps } from '../src/map/map-merge.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Loads the module named after its own file. */
function moduleTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const path = require('node:path') as typeof import('node:path');
  test('loads its module', () => expect(require(`../src/${path.basename(__filename, '.test.js')}.js`)).toEqual({ ok: true }));
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
}

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe('mergeImpactMaps on maps recorded by real Jest', () => {
  it('should join the maps two shards recorded into separate files', async () => {
    const files: Record<string, string> = { '.gitignore': '.cache-*\n.out-*\n.report-*\n' };
    for (const name of ['a', 'b', 'c', 'd']) {
      files[`src/${name}.js`] = 'module.exports = { ok: true };\n';
      files[`tests/${name}.test.js`] = testModule(moduleTest);
    }
    project = createJestProject({ packageDir, files });
    git(project.dir, 'init', '-q', '-b', 'main');
    git(project.dir, 'add', '.');
    git(project.dir, 'commit', '-q', '-m', 'init');
    for (const shard of [1, 2]) {
      project.write(
        'jest.config.js',
        jestConfigModule({
          setupFilesAfterEnv: ['@proving-ground/impact-analyzer/recorder'],
          reporters: [['@proving-ground/impact-analyzer/reporter', { map: `maps/shard-${shard}.json` }]],
        }),
      );
      const run = await project.run({ args: [`--shard=${shard}/2`] });
      expect(run.exitCode).toBe(0);
    }

    const shards = [1, 2].map((shard) => readImpactMap(join(project!.dir, `maps/shard-${shard}.json`))!);
    const merged = mergeImpactMaps(shards);

    expect(shards.map((map) => Object.keys(map.tests).length)).toEqual([2, 2]);
    expect(merged.knownTests).toEqual(['tests/a.test.js', 'tests/b.test.js', 'tests/c.test.js', 'tests/d.test.js']);
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(merged.tests[`tests/${name}.test.js`]?.modules).toEqual([`src/${name}.js`]);
      expect(merged.hashes[`src/${name}.js`]).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});
