import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isImpactError } from '../errors.js';
import { openRepository, parseNameStatus } from './repository.js';

const folders: string[] = [];

function tempFolder(): string {
  const folder = realpathSync(mkdtempSync(join(tmpdir(), 'impact-git-')));
  folders.push(folder);
  return folder;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function commit(root: string, message: string): string {
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

const LONG = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');

function newRepository(files: Record<string, string> = {}): { root: string; first: string } {
  const root = tempFolder();
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'config', 'user.email', 'test@example.invalid');
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'commit.gpgsign', 'false');
  write(root, files);
  return { root, first: commit(root, 'first') };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('openRepository', () => {
  it('should find the top level from a folder inside the work tree', () => {
    const { root } = newRepository({ 'src/deep/a.ts': 'a' });

    expect(openRepository(join(root, 'src', 'deep')).root).toBe(root);
  });

  it('should refuse a folder outside any work tree with IMPACT_NOT_A_REPOSITORY', () => {
    const folder = tempFolder();

    const error = thrown(() => openRepository(folder));

    expect(isImpactError(error) && error.code).toBe('IMPACT_NOT_A_REPOSITORY');
    expect((error as Error).message).toContain(folder);
  });

  it('should refuse a folder that does not exist with IMPACT_NOT_A_REPOSITORY', () => {
    const error = thrown(() => openRepository(join(tempFolder(), 'missing')));

    expect(isImpactError(error) && error.code).toBe('IMPACT_NOT_A_REPOSITORY');
  });
});

describe('Repository.resolveRevision', () => {
  it('should resolve branch names and short shas to the full sha', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });
    const repo = openRepository(root);

    expect(repo.resolveRevision('main')).toBe(first);
    expect(repo.resolveRevision(first.slice(0, 8))).toBe(first);
    expect(repo.head()).toBe(first);
  });

  it('should name an unknown revision and suggest the nearest branch', () => {
    const { root } = newRepository({ 'a.ts': 'a' });
    git(root, 'branch', 'feature/login');

    const error = thrown(() => openRepository(root).resolveRevision('feature/logn'));

    expect(isImpactError(error) && error.code).toBe('IMPACT_UNKNOWN_REVISION');
    expect((error as Error).message).toContain('"feature/logn"');
    expect((error as Error).message).toContain('Did you mean "feature/login"?');
  });

  it('should not take a revision that starts with a dash as an option', () => {
    const { root } = newRepository({ 'a.ts': 'a' });

    const error = thrown(() => openRepository(root).resolveRevision('--all'));

    expect(isImpactError(error) && error.code).toBe('IMPACT_UNKNOWN_REVISION');
  });
});

describe('Repository.changedFiles', () => {
  it('should list added, modified, deleted and renamed files between two commits', () => {
    const { root, first } = newRepository({ 'src/a.ts': 'a', 'src/b.ts': 'b', 'src/old name.ts': LONG });
    write(root, { 'src/a.ts': 'a2', 'src/ünï cödé.ts': 'new' });
    rmSync(join(root, 'src/b.ts'));
    renameSync(join(root, 'src/old name.ts'), join(root, 'src/new name.ts'));
    const second = commit(root, 'second');

    const changes = openRepository(root).changedFiles(first, second);

    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'src/a.ts', status: 'modified' },
        { path: 'src/b.ts', status: 'deleted' },
        { path: 'src/ünï cödé.ts', status: 'added' },
        { path: 'src/new name.ts', status: 'renamed', previousPath: 'src/old name.ts' },
      ]),
    );
    expect(changes).toHaveLength(4);
  });

  it('should compare the working tree: staged, unstaged and untracked files, not ignored ones', () => {
    const { root, first } = newRepository({ '.gitignore': 'dist/\n', 'staged.ts': 's', 'unstaged.ts': 'u', 'gone.ts': 'g' });
    write(root, { 'staged.ts': 's2' });
    git(root, 'add', 'staged.ts');
    write(root, { 'unstaged.ts': 'u2', 'new file é.ts': 'n', 'dist/out.js': 'ignored' });
    rmSync(join(root, 'gone.ts'));

    const changes = openRepository(root).changedFiles(first);

    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'staged.ts', status: 'modified' },
        { path: 'unstaged.ts', status: 'modified' },
        { path: 'new file é.ts', status: 'added' },
        { path: 'gone.ts', status: 'deleted' },
      ]),
    );
    expect(changes).toHaveLength(4);
  });

  it('should detect a rename made without git mv in the working tree, leaving the index as it was', () => {
    const { root, first } = newRepository({ 'src/old.ts': LONG });
    renameSync(join(root, 'src/old.ts'), join(root, 'src/new.ts'));
    const statusBefore = git(root, 'status', '--porcelain');

    const changes = openRepository(root).changedFiles(first);

    expect(changes).toEqual([{ path: 'src/new.ts', status: 'renamed', previousPath: 'src/old.ts' }]);
    expect(git(root, 'status', '--porcelain')).toBe(statusBefore);
  });

  it('should list a change that is only staged', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });
    write(root, { 'b.ts': 'b' });
    git(root, 'add', 'b.ts');

    expect(openRepository(root).changedFiles(first)).toEqual([{ path: 'b.ts', status: 'added' }]);
  });

  it('should find nothing when the working tree matches the base', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });

    expect(openRepository(root).changedFiles(first)).toEqual([]);
  });
});

describe('Repository.mergeBase', () => {
  it('should find where a branch started', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });
    git(root, 'checkout', '--quiet', '-b', 'feature');
    write(root, { 'b.ts': 'b' });
    commit(root, 'feature');
    git(root, 'checkout', '--quiet', 'main');
    write(root, { 'c.ts': 'c' });
    commit(root, 'main moves on');

    expect(openRepository(root).mergeBase('main', 'feature')).toBe(first);
  });

  it('should return undefined for unrelated histories', () => {
    const { root } = newRepository({ 'a.ts': 'a' });
    git(root, 'checkout', '--quiet', '--orphan', 'other');
    commit(root, 'unrelated');

    expect(openRepository(root).mergeBase('main', 'other')).toBeUndefined();
  });

  it('should return undefined in a shallow clone that cut the common history off, and say it is shallow', () => {
    const { root: origin } = newRepository({ 'a.ts': 'a' });
    git(origin, 'checkout', '--quiet', '-b', 'feature');
    write(origin, { 'b.ts': 'b' });
    commit(origin, 'feature');
    git(origin, 'checkout', '--quiet', 'main');
    write(origin, { 'c.ts': 'c' });
    commit(origin, 'main moves on');
    const clone = join(tempFolder(), 'clone');
    git(dirname(clone), 'clone', '--quiet', '--depth', '1', '--no-single-branch', `file://${origin}`, clone);

    const repo = openRepository(clone);

    expect(repo.isShallow()).toBe(true);
    expect(repo.mergeBase('origin/main', 'origin/feature')).toBeUndefined();
    expect(openRepository(origin).isShallow()).toBe(false);
  });
});

describe('Repository files', () => {
  it('should read a file at a revision, and undefined for one absent there', () => {
    const { root, first } = newRepository({ 'dir/a b.ts': 'before' });
    write(root, { 'dir/a b.ts': 'after', 'c.ts': 'c' });
    const second = commit(root, 'second');
    const repo = openRepository(root);

    expect(repo.fileAt(first, 'dir/a b.ts')).toBe('before');
    expect(repo.fileAt('HEAD', 'dir/a b.ts')).toBe('after');
    expect(repo.fileAt(first, 'c.ts')).toBeUndefined();
    expect(repo.fileAt(second, 'dir')).toBeUndefined();
  });

  it('should list tracked files at a revision and the files of the working tree', () => {
    const { root, first } = newRepository({ '.gitignore': 'dist/\n', 'src/a.ts': 'a', 'src/ü b.ts': 'b' });
    write(root, { 'src/new.ts': 'n', 'dist/out.js': 'ignored' });
    rmSync(join(root, 'src/a.ts'));
    const repo = openRepository(root);

    expect(repo.filesAt(first).sort()).toEqual(['.gitignore', 'src/a.ts', 'src/ü b.ts']);
    expect(repo.workingFiles().sort()).toEqual(['.gitignore', 'src/new.ts', 'src/ü b.ts']);
  });
});

describe('Repository history', () => {
  it('should read the messages of base..head and count commits between ancestors', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });
    write(root, { 'a.ts': 'a2' });
    commit(root, 'second\n\nwith a body [impact:all]');
    write(root, { 'a.ts': 'a3' });
    const third = commit(root, 'third');
    const repo = openRepository(root);

    expect(repo.commitMessages(first, third)).toEqual(['third', 'second\n\nwith a body [impact:all]']);
    expect(repo.commitsBetween(first, third)).toBe(2);
    expect(repo.commitsBetween(third, first)).toBeUndefined();
    expect(repo.commitsBetween(first, first)).toBe(0);
  });

  it('should give undefined between unrelated commits or an unknown one', () => {
    const { root, first } = newRepository({ 'a.ts': 'a' });
    git(root, 'checkout', '--quiet', '--orphan', 'other');
    const other = commit(root, 'unrelated');
    const repo = openRepository(root);

    expect(repo.commitsBetween(first, other)).toBeUndefined();
    expect(repo.commitsBetween('0'.repeat(40), other)).toBeUndefined();
  });
});

describe('parseNameStatus', () => {
  it('should read renames, copies and type changes from -z output', () => {
    expect(parseNameStatus('R087\0a.ts\0b.ts\0C100\0c.ts\0d.ts\0T\0e.ts\0M\0f g.ts\0')).toEqual([
      { path: 'b.ts', status: 'renamed', previousPath: 'a.ts' },
      { path: 'd.ts', status: 'added' },
      { path: 'e.ts', status: 'modified' },
      { path: 'f g.ts', status: 'modified' },
    ]);
  });
});
