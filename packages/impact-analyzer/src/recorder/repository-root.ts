import { dirname, join, resolve } from 'node:path';

/**
 * The repository root above `start`: the nearest folder holding `.git` (a folder, or a file in a
 * worktree or submodule); undefined outside git. `exists` is passed in so the recorder can use the
 * file system functions it saved before patching them.
 *
 * @example
 * findRepositoryRoot('/repo/packages/a/src', existsSync) // '/repo'
 */
export function findRepositoryRoot(start: string, exists: (path: string) => boolean): string | undefined {
  let folder = resolve(start);
  for (;;) {
    if (exists(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
