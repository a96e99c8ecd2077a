import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject } from './jest-project.js';

const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');

function filesOf(example: string): Record<string, string> {
  const dir = join(examplesDir, example);
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

describe('the msw example in docs/test-modes.md', () => {
  it.each(['mock', 'golden'])('should pass in %s mode', async (mode) => {
    const project = createJestProject(filesOf('with-msw'), { esm: true });

    const run = await project.run({ env: { TEST_MODE: mode } });
    project.remove();

    expect(Object.fromEntries(run.tests.map((test) => [test.title, test.status]))).toEqual({
      'msw answers a registered route': 'passed',
      'what msw lets through over HTTPS is blocked by host': 'passed',
      'what msw lets through over HTTP is blocked with its method and URL': 'passed',
      'a guard request handler answers a request': 'passed',
      'a request no handler answers is blocked with its method, URL and mode': 'passed',
    });
  });
});
