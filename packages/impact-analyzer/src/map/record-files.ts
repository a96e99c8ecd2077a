import type { TestRecord } from '../model.js';

/**
 * The files a record names, whose content hashes the map keeps: the test file itself, the modules
 * it loaded, the files it read and the files of its function coverage.
 *
 * @example
 * recordFiles('a.test.ts', record) // ['a.test.ts', 'src/a.ts', 'fixtures/a.json']
 */
export function recordFiles(testPath: string, record: TestRecord): string[] {
  const files = new Set<string>([testPath, ...record.modules, ...record.reads]);
  for (const file of Object.keys(record.functions ?? {})) files.add(file);
  return [...files];
}
