import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A file of the `.impact-analyzer` folder, found from a folder inside the repository. */
export interface LocatedFile {
  /** Absolute path of the file. */
  path: string;
  /** The folder holding `.impact-analyzer`: the root its repository-relative paths are relative to. */
  root: string;
}

/**
 * Finds `relativePath` (such as `.impact-analyzer/map.json`) in `start` or the nearest folder above
 * it, up to the git top level (a folder with `.git`): Jest's rootDir is often a package of a
 * workspace while the analyzer's files live at the repository root.
 *
 * @example
 * locateUpward('/repo/packages/a', '.impact-analyzer/map.json') // { path: '/repo/.impact-analyzer/map.json', root: '/repo' }
 */
export function locateUpward(start: string, relativePath: string): LocatedFile | undefined {
  let folder = resolve(start);
  for (;;) {
    const path = join(folder, relativePath);
    if (existsSync(path)) return { path, root: folder };
    const parent = dirname(folder);
    if (parent === folder || existsSync(join(folder, '.git'))) return undefined;
    folder = parent;
  }
}
