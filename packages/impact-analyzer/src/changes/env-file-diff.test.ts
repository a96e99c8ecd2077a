import { describe, expect, it } from '@jest/globals';
import { diffEnvFile, isEnvFile, parseEnvFile } from './env-file-diff.js';

describe('parseEnvFile', () => {
  it('should read quotes, export prefixes, comments and multiline quoted values', () => {
    const text = [
      '# a comment',
      'export A="quoted # not a comment"',
      "B='single'",
      'C=plain # trailing',
      'D="line 1',
      'line 2"',
      'E=',
      '  F = spaced',
    ].join('\n');

    expect(Object.fromEntries(parseEnvFile(text))).toEqual({
      A: 'quoted # not a comment',
      B: 'single',
      C: 'plain',
      D: 'line 1\nline 2',
      E: '',
      F: 'spaced',
    });
  });
});

describe('diffEnvFile', () => {
  it('should list keys added, removed or changed, ignoring comment and format-only edits', () => {
    const before = 'A=1\nB=2\nC="3"\n# old comment\nD=4';
    const after = '# new comment\nexport A=1\nB=20\nC=3\nE=5';

    expect(diffEnvFile(before, after)).toEqual(['B', 'D', 'E']);
  });

  it('should list every key of a file that appears', () => {
    expect(diffEnvFile(undefined, 'X=1\nY=2')).toEqual(['X', 'Y']);
  });
});

describe('isEnvFile', () => {
  it('should recognise .env and .env.* but not .envrc', () => {
    expect(['.env', 'apps/web/.env.test', '.env.local'].every(isEnvFile)).toBe(true);
    expect(['.envrc', 'env.ts', '.environment'].some(isEnvFile)).toBe(false);
  });
});
