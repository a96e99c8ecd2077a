import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * A file-system-safe, stable, collision-free file name for a test: a readable slug of the full name,
 * then 8 hex digits of its hash (two names that slug alike still get different files).
 *
 * @example
 * cassetteFileName('FAQ > answers refunds') // 'faq-answers-refunds-3f2a9c1b.json'
 */
export function cassetteFileName(fullName: string): string {
  const slug = fullName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(fullName).digest('hex').slice(0, 8);
  return `${slug === '' ? 'test' : slug}-${hash}.json`;
}

/**
 * Where a test's cassette lives: `<test dir>/__cassettes__/<test file>/<name>.json` by default, or
 * under `dir` (relative to the working directory) mirroring the test file's path.
 *
 * @example
 * cassettePathFor('/app/test/faq.test.ts', 'FAQ answers') // '/app/test/__cassettes__/faq.test.ts/faq-answers-1a2b3c4d.json'
 */
export function cassettePathFor(testPath: string, fullName: string, dir?: string): string {
  const file = cassetteFileName(fullName);
  if (dir === undefined) return join(dirname(testPath), '__cassettes__', basename(testPath), file);
  const root = isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
  const fromCwd = relative(process.cwd(), testPath);
  const safe = fromCwd.startsWith('..') ? basename(testPath) : fromCwd;
  return join(root, safe, file);
}

/**
 * The path of a cassette named explicitly: a `.json` path as given (relative to the working
 * directory), or a name placed in `dir` (default `__cassettes__`).
 *
 * @example
 * namedCassettePath('login') // '<cwd>/__cassettes__/login.json'
 */
export function namedCassettePath(name: string, dir = '__cassettes__'): string {
  if (name.endsWith('.json')) return isAbsolute(name) ? name : resolve(process.cwd(), name);
  const root = isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
  return join(root, `${name.replace(/[^A-Za-z0-9._/-]+/g, '-')}.json`);
}
