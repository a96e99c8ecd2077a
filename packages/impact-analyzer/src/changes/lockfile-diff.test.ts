import { describe, expect, it } from '@jest/globals';
import { diffLockfile, isLockfile } from './lockfile-diff.js';

function npmV3(packages: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app' }, ...packages } });
}

describe('diffLockfile', () => {
  it('should name packages added, removed or changed at any depth in npm v2/v3 lockfiles', () => {
    const before = npmV3({
      'node_modules/a': { version: '1.0.0', integrity: 'sha-a' },
      'node_modules/b': { version: '1.0.0', integrity: 'sha-b' },
      'node_modules/a/node_modules/@scope/c': { version: '2.0.0', integrity: 'sha-c' },
      'packages/lib': { version: '0.0.0' },
    });
    const after = npmV3({
      'node_modules/a': { version: '1.0.0', integrity: 'sha-a' },
      'node_modules/a/node_modules/@scope/c': { version: '2.0.1', integrity: 'sha-c2' },
      'node_modules/d': { version: '1.0.0', integrity: 'sha-d' },
      'packages/lib': { version: '0.0.1' },
    });

    expect(diffLockfile('package-lock.json', before, after)).toEqual(new Set(['b', '@scope/c', 'd']));
  });

  it('should read npm v1 nested dependencies', () => {
    const lock = (version: string): string =>
      JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { b: { version } } } } });

    expect(diffLockfile('npm-shrinkwrap.json', lock('1.0.0'), lock('1.1.0'))).toEqual(new Set(['b']));
  });

  it('should read Yarn classic and Berry lockfiles', () => {
    const classic = (version: string): string =>
      `# yarn lockfile v1\n\n\n"@scope/a@^1.0.0", "@scope/a@^1.1.0":\n  version "${version}"\n  resolved "https://registry/a-${version}.tgz"\n  integrity sha-${version}\n\nb@^2:\n  version "2.0.0"\n`;
    const berry = (version: string): string =>
      `__metadata:\n  version: 8\n\n"a@npm:^1.0.0":\n  version: ${version}\n  resolution: "a@npm:${version}"\n  checksum: sum-${version}\n  languageName: node\n\n"b@npm:^2":\n  version: 2.0.0\n  resolution: "b@npm:2.0.0"\n`;

    expect(diffLockfile('yarn.lock', classic('1.0.0'), classic('1.2.0'))).toEqual(new Set(['@scope/a']));
    expect(diffLockfile('yarn.lock', berry('1.0.0'), berry('1.0.1'))).toEqual(new Set(['a']));
  });

  it('should read pnpm v6 and v9 lockfiles', () => {
    const v6 = (version: string): string =>
      `lockfileVersion: '6.0'\n\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: ${version}\n\npackages:\n\n  /a@${version}:\n    resolution: {integrity: sha-${version}}\n    dependencies:\n      b: 1.0.0\n    dev: false\n\n  /b@1.0.0:\n    resolution: {integrity: sha-b}\n`;
    const v9 = (integrity: string): string =>
      `lockfileVersion: '9.0'\n\npackages:\n\n  '@scope/a@1.0.0':\n    resolution: {integrity: ${integrity}}\n\n  b@1.0.0:\n    resolution: {integrity: sha-b}\n\nsnapshots:\n\n  '@scope/a@1.0.0':\n    dependencies:\n      b: 1.0.0\n\n  b@1.0.0: {}\n`;

    expect(diffLockfile('pnpm-lock.yaml', v6('1.0.0'), v6('1.1.0'))).toEqual(new Set(['a']));
    expect(diffLockfile('pnpm-lock.yaml', v9('sha-1'), v9('sha-2'))).toEqual(new Set(['@scope/a']));
  });

  it('should give an empty set when nothing installed changed', () => {
    const lock = npmV3({ 'node_modules/a': { version: '1.0.0' } });

    expect(diffLockfile('package-lock.json', lock, lock.replace('"app"', '"app2"'))).toEqual(new Set());
  });

  it('should say it cannot tell for an unparsable or unknown lockfile, or one that appears', () => {
    expect(diffLockfile('package-lock.json', '{', '{}')).toBeUndefined();
    expect(diffLockfile('yarn.lock', 'garbage', 'garbage 2')).toBeUndefined();
    expect(diffLockfile('bun.lockb', 'a', 'b')).toBeUndefined();
    expect(diffLockfile('package-lock.json', undefined, npmV3({}))).toBeUndefined();
  });
});

describe('isLockfile', () => {
  it('should recognise the lockfiles of npm, Yarn, pnpm and Bun anywhere in the tree', () => {
    expect(['package-lock.json', 'a/yarn.lock', 'pnpm-lock.yaml', 'npm-shrinkwrap.json', 'bun.lockb'].every(isLockfile)).toBe(true);
    expect(isLockfile('package.json')).toBe(false);
  });
});
