import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { didYouMean, firstLine } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { ChangedFile, ChangeStatus } from '../model.js';
import { nulFields, runGit, type GitResult } from './git-command.js';

/** A git work tree, read through the `git` command. Every path is relative to {@link Repository.root}, with `/` separators. */
export interface Repository {
  /** The absolute path of the git top level. */
  readonly root: string;
  /** The full sha of the commit `rev` names; throws `IMPACT_UNKNOWN_REVISION` when git does not know it. */
  resolveRevision(rev: string): string;
  /** The best common ancestor of two revisions, or undefined when there is none (unrelated histories, a shallow clone cut it off). */
  mergeBase(a: string, b: string): string | undefined;
  /** Whether the clone is shallow (history cut off). */
  isShallow(): boolean;
  /** Files changed from `base` to `head`, or to the working tree (staged, unstaged and untracked, not ignored) when `head` is undefined; renames detected. */
  changedFiles(base: string, head?: string): ChangedFile[];
  /** The content of `path` at `rev`, or undefined when it does not exist there. */
  fileAt(rev: string, path: string): string | undefined;
  /** Every tracked file at `rev`. */
  filesAt(rev: string): string[];
  /** Every file of the work tree git tracks or would track (untracked, not ignored) that exists on disk. */
  workingFiles(): string[];
  /** The messages of the commits in `base..head`, newest first. */
  commitMessages(base: string, head: string): string[];
  /** How many commits `to` is ahead of `from`, or undefined when `from` is not an ancestor of `to`. */
  commitsBetween(from: string, to: string): number | undefined;
  /** The sha of `HEAD`. */
  head(): string;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const STATUS: Record<string, ChangeStatus> = { A: 'added', D: 'deleted', R: 'renamed', C: 'added' };

/**
 * The entries of `git diff --name-status -z` output. Copies are reported as additions of the copy,
 * type changes, unmerged and unknown entries as modifications.
 *
 * @example
 * parseNameStatus('R100\0a.ts\0b.ts\0M\0c.ts\0') // [{ path: 'b.ts', status: 'renamed', previousPath: 'a.ts' }, { path: 'c.ts', status: 'modified' }]
 */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = nulFields(output);
  const changes: ChangedFile[] = [];
  for (let i = 0; i < fields.length;) {
    const letter = fields[i++]!.charAt(0);
    const status = STATUS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i++]!;
      const path = fields[i++]!;
      changes.push(letter === 'R' ? { path, status, previousPath } : { path, status });
    } else {
      changes.push({ path: fields[i++]!, status });
    }
  }
  return changes;
}

function failure(result: GitResult): string {
  return firstLine(result.stderr.trim() || `git exited with status ${String(result.status)}`);
}

class GitRepository implements Repository {
  constructor(readonly root: string) {}

  private git(args: readonly string[], env?: Record<string, string>): GitResult {
    return runGit(args, this.root, env === undefined ? {} : { env });
  }

  /** A full sha as it is (one git process less per file read), anything else through {@link resolveRevision}. */
  private commit(rev: string): string {
    return FULL_SHA.test(rev) ? rev : this.resolveRevision(rev);
  }

  resolveRevision(rev: string): string {
    const result = this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    if (result.ok) return result.stdout.trim();
    const refs = this.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/tags', 'refs/remotes']);
    const names = refs.ok ? refs.stdout.split('\n').filter((name) => name !== '') : [];
    throw new ImpactError('IMPACT_UNKNOWN_REVISION', {
      action: `resolve the revision ${JSON.stringify(rev)}`,
      reason: `git knows no commit by that name in ${this.root}.${didYouMean(rev, names)}`,
      fix: 'Pass a branch, tag or commit that exists locally (run `git fetch` first in a CI checkout, and fetch enough history).',
    });
  }

  mergeBase(a: string, b: string): string | undefined {
    const result = this.git(['merge-base', this.resolveRevision(a), this.resolveRevision(b)]);
    const sha = result.stdout.trim();
    return result.ok && sha !== '' ? sha : undefined;
  }

  isShallow(): boolean {
    return this.git(['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  }

  changedFiles(base: string, head?: string): ChangedFile[] {
    const from = this.resolveRevision(base);
    const diff = ['diff', '-z', '--name-status', '-M', '--no-ext-diff', '--ignore-submodules=none'];
    if (head !== undefined) return parseNameStatus(this.checked(this.git([...diff, from, this.resolveRevision(head), '--']), 'diff'));
    return this.workingTreeChanges(diff, from);
  }

  // The working tree against a commit, untracked files included, renames detected even when a file
  // was moved without `git mv`: untracked files are marked intent-to-add in a throwaway copy of the
  // index, so `git diff <base>` sees them, and the user's own index is never touched.
  private workingTreeChanges(diff: readonly string[], from: string): ChangedFile[] {
    const folder = mkdtempSync(join(tmpdir(), 'impact-analyzer-index-'));
    try {
      const indexFile = join(folder, 'index');
      const ownIndex = resolve(this.root, this.git(['rev-parse', '--git-path', 'index']).stdout.trim());
      if (existsSync(ownIndex)) copyFileSync(ownIndex, indexFile);
      const env = { GIT_INDEX_FILE: indexFile };
      this.checked(this.git(['add', '--all', '--intent-to-add', '--', '.'], env), 'list the untracked files of');
      return parseNameStatus(this.checked(this.git([...diff, from, '--'], env), 'diff'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  fileAt(rev: string, path: string): string | undefined {
    const result = this.git(['cat-file', 'blob', `${this.commit(rev)}:${path}`]);
    return result.ok ? result.stdout : undefined;
  }

  filesAt(rev: string): string[] {
    return nulFields(this.checked(this.git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', this.commit(rev)]), 'list'));
  }

  workingFiles(): string[] {
    const listed = nulFields(this.checked(this.git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']), 'list'));
    return [...new Set(listed)].filter((path) => existsSync(join(this.root, path)));
  }

  commitMessages(base: string, head: string): string[] {
    const range = `${this.resolveRevision(base)}..${this.resolveRevision(head)}`;
    return nulFields(this.checked(this.git(['log', '-z', '--format=%B', range, '--']), 'read the log of'))
      .map((message) => message.trim())
      .filter((message) => message !== '');
  }

  commitsBetween(from: string, to: string): number | undefined {
    const ancestor = this.git(['merge-base', '--is-ancestor', from, to]);
    if (!ancestor.ok) return undefined;
    const count = this.git(['rev-list', '--count', `${from}..${to}`, '--']);
    return count.ok ? Number(count.stdout.trim()) : undefined;
  }

  head(): string {
    return this.resolveRevision('HEAD');
  }

  private checked(result: GitResult, verb: string): string {
    if (result.ok) return result.stdout;
    throw new ImpactError('IMPACT_NOT_A_REPOSITORY', {
      action: `${verb} the repository ${this.root}`,
      reason: `git failed: ${failure(result)}`,
      fix: 'Check that the repository is readable and not in the middle of an operation (`git status`).',
    });
  }
}

/**
 * Opens the git work tree that contains `cwd`. Throws `IMPACT_NOT_A_REPOSITORY` when `cwd` is not
 * inside a work tree or git cannot be run.
 *
 * @example
 * const repo = openRepository(process.cwd())
 * repo.changedFiles(repo.mergeBase('origin/main', 'HEAD') ?? 'HEAD') // [{ path: 'src/a.ts', status: 'modified' }]
 */
export function openRepository(cwd: string): Repository {
  if (!existsSync(cwd)) {
    throw new ImpactError('IMPACT_NOT_A_REPOSITORY', {
      action: `open the git repository of ${cwd}`,
      reason: 'the folder does not exist',
      fix: 'Pass a folder inside a git checkout as cwd.',
    });
  }
  const result = runGit(['rev-parse', '--show-toplevel'], cwd);
  const root = result.stdout.trim();
  if (result.ok && root !== '') return new GitRepository(resolve(root));
  throw new ImpactError('IMPACT_NOT_A_REPOSITORY', {
    action: `open the git repository of ${cwd}`,
    reason: result.missing ? 'git is not installed or not on PATH' : `it is not inside a git work tree (${failure(result)})`,
    fix: result.missing
      ? 'Install git, or run where `git` is on PATH.'
      : 'Run impact-analyzer inside a git checkout (a bare repository or an exported tarball has no history to compare).',
  });
}
