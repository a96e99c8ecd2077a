import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Cassette } from '../format.js';

/**
 * The `test.file` a cassette at `cassettePath` stores for the test file at `testPath`: relative to
 * the cassette's own folder, with `/` separators, so it resolves the same from any working folder
 * and on any platform.
 */
export function testFileReference(cassettePath: string, testPath: string): string {
  return relative(dirname(resolve(cassettePath)), resolve(testPath))
    .split(sep)
    .join('/');
}

/**
 * The absolute path of the test file a cassette names, or undefined when it names none. Since
 * format version 2 `test.file` is relative to the cassette's folder. Version 1 stored it relative to
 * the working folder of the Jest run that recorded it, which is not written down: that folder is
 * taken to be the nearest folder above the cassette where the file exists, else the current one.
 */
export function resolveTestFile(cassettePath: string, cassette: Pick<Cassette, 'version' | 'test'>): string | undefined {
  const file = cassette.test?.file;
  if (file === undefined) return undefined;
  if (isAbsolute(file)) return file;
  const folder = dirname(resolve(cassettePath));
  if (cassette.version >= 2) return resolve(folder, file);
  for (let at = folder; ; at = dirname(at)) {
    const candidate = resolve(at, file);
    // A file: with the dir option, the cassette's own folders mirror the test file's path.
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) return candidate;
    if (dirname(at) === at) return resolve(file);
  }
}
