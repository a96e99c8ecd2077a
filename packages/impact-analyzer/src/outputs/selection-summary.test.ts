import { describe, expect, it } from '@jest/globals';
import type { Selection, TestDecision } from '../model.js';
import { MARKDOWN_TEST_LIMIT, formatMarkdown, formatSummary, shortRevision } from './selection-summary.js';

const selected = (path: string, message: string): TestDecision => ({
  path,
  selected: true,
  reasons: [{ code: 'static-dependency', message, changedFile: 'src/a.ts' }],
});
const skipped = (path: string): TestDecision => ({
  path,
  selected: false,
  reasons: [{ code: 'not-affected', message: 'Not affected: no changed file reaches it in the static graph.' }],
});

function selection(overrides: Partial<Selection> = {}): Selection {
  return {
    base: '0123456789abcdef0123456789abcdef01234567',
    head: 'working-tree',
    changes: [
      { path: 'src/a.ts', status: 'modified' },
      { path: 'src/b.ts', status: 'added' },
    ],
    runAll: false,
    runAllReasons: [],
    tests: [
      selected('test/a.test.ts', 'It depends on src/a.ts (src/a.ts → test/a.test.ts).'),
      skipped('test/b.test.ts'),
      skipped('test/c.test.ts'),
      skipped('test/d.test.ts'),
    ],
    selected: ['test/a.test.ts'],
    elapsedMs: 42,
    ...overrides,
  };
}

const runAll = (): Selection =>
  selection({
    runAll: true,
    runAllReasons: [
      { code: 'config-changed', message: 'jest.config.js changed: it can change every test.', changedFile: 'jest.config.js' },
    ],
    selected: ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts'],
  });

describe('formatSummary', () => {
  it('should give the revisions, the counts with their ratio, each selected test with its first reason and the skipped count', () => {
    const text = formatSummary(selection());

    expect(text).toContain('0123456789ab..working-tree, 2 changed files');
    expect(text).toContain('Selected 1 of 4 tests (25%) in 42 ms.');
    expect(text).toContain('test/a.test.ts  [static-dependency] It depends on src/a.ts (src/a.ts → test/a.test.ts).');
    expect(text).toContain('Skipped 3 tests');
    expect(text).not.toContain('test/b.test.ts');
  });

  it('should say that everything runs, and why', () => {
    const text = formatSummary(runAll());

    expect(text).toContain('Running all 4 tests');
    expect(text).toContain('[config-changed] jest.config.js changed: it can change every test.');
    expect(text).not.toContain('Skipped');
  });
});

describe('formatMarkdown', () => {
  it('should list the selected tests in a table with their first reason, escaping pipes', () => {
    const markdown = formatMarkdown(selection({ tests: [selected('test/a.test.ts', 'It reads a|b.'), skipped('test/b.test.ts')] }));

    expect(markdown).toMatch(/^### Test impact\n/);
    expect(markdown).toContain('Selected 1 of 2 tests (50%) for `0123456789ab..working-tree`');
    expect(markdown).toContain('| `test/a.test.ts` | `static-dependency` It reads a\\|b. |');
    expect(markdown).toContain('Skipped 1 test.');
  });

  it('should list the run-all reasons when everything runs', () => {
    const markdown = formatMarkdown(runAll());

    expect(markdown).toContain('**Everything runs because:**');
    expect(markdown).toContain('- `config-changed` jest.config.js changed');
  });

  it(`should list at most ${MARKDOWN_TEST_LIMIT} tests and count the rest`, () => {
    const tests = Array.from({ length: MARKDOWN_TEST_LIMIT + 3 }, (_, i) =>
      selected(`test/t${String(i).padStart(3, '0')}.test.ts`, 'Changed.'),
    );

    const markdown = formatMarkdown(selection({ tests, selected: tests.map((test) => test.path) }));

    expect(markdown.match(/^\| `test\//gm)).toHaveLength(MARKDOWN_TEST_LIMIT);
    expect(markdown).toContain('… and 3 more selected tests.');
  });
});

describe('shortRevision', () => {
  it('should shorten a commit id and leave other revisions as they are', () => {
    expect(shortRevision('0123456789abcdef0123456789abcdef01234567')).toBe('0123456789ab');
    expect(shortRevision('working-tree')).toBe('working-tree');
  });
});
