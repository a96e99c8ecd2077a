import { isAbsolute, resolve, sep } from 'node:path';

/** Which paths a fault acts on: a glob (`/tmp/out/**`, `**\/*.csv`), a file or folder, a RegExp, or a test. */
export type PathPattern = string | RegExp | ((path: string) => boolean);

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches no folder too.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * A test of absolute paths for `pattern`. A string with `*` or `?` is a glob (relative ones are
 * resolved against the current folder, `**` crosses folders); any other string names a file or a
 * folder and everything under it.
 *
 * @example
 * pathMatcher('/tmp/out/**')('/tmp/out/a/b.csv') // true
 */
export function pathMatcher(pattern: PathPattern): (path: string) => boolean {
  if (typeof pattern === 'function') return pattern;
  if (pattern instanceof RegExp) return (path) => pattern.test(path);
  if (/[*?]/.test(pattern)) {
    const absolute = pattern.startsWith('*') || isAbsolute(pattern) ? pattern : `${process.cwd()}/${pattern}`;
    const regexp = globToRegExp(sep === '/' ? absolute : absolute.split(sep).join('/'));
    return (path) => regexp.test(sep === '/' ? path : path.split(sep).join('/'));
  }
  const base = resolve(pattern);
  return (path) => path === base || path.startsWith(base.endsWith(sep) ? base : `${base}${sep}`);
}

/** The pattern in words, for a timeline. */
export function describePattern(pattern: PathPattern): string {
  if (typeof pattern === 'function') return pattern.name === '' ? '(a path test)' : `(${pattern.name})`;
  return String(pattern);
}
