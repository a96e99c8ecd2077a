import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';

/**
 * Files changed since the git ref `base` (committed, staged, unstaged and untracked), relative to
 * `rootDir` with `/` separators; empty when git is not there or the ref is unknown.
 *
 * @example
 * changedFilesSince('origin/main', '/repo/packages/shop') // ['src/cart.test.ts']
 */
export function changedFilesSince(base: string, rootDir: string): string[] {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  try {
    const top = git(['rev-parse', '--show-toplevel']).trim();
    const names = [
      ...git(['diff', '--name-only', `${base}...HEAD`]).split('\n'),
      ...git(['diff', '--name-only', 'HEAD']).split('\n'),
      ...git(['ls-files', '--others', '--exclude-standard', '--full-name']).split('\n'),
    ];
    const fromTop = new Set(names.filter((name) => name !== ''));
    return [...fromTop].map((name) => relative(rootDir, resolve(top, name)).split(sep).join('/')).filter((name) => !name.startsWith('..'));
  } catch {
    return [];
  }
}
