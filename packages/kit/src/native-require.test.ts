import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { isModuleNotFound, nativeRequireFrom, nativeRequireFromProject } from './native-require.js';

describe('nativeRequire', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-native-require-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should load a module with Node's own loader, outside Jest's registry", () => {
    writeFileSync(join(dir, 'marker.cjs'), 'module.exports = { realm: typeof jest };');

    const loaded = nativeRequireFrom(dir, './marker.cjs') as { realm: string };

    // Inside Jest's registry `jest` would be defined for the module; Node's loader knows nothing of it.
    expect(loaded.realm).toBe('undefined');
  });

  it('should fall back from the project to the package location, and tell a missing module from a broken one', () => {
    const missing = (() => {
      try {
        nativeRequireFromProject('surely-not-installed-anywhere', dir);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    writeFileSync(join(dir, 'broken.cjs'), "require('surely-not-installed-either');");
    const broken = (() => {
      try {
        nativeRequireFrom(dir, './broken.cjs');
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(isModuleNotFound(missing, 'surely-not-installed-anywhere')).toBe(true);
    expect(isModuleNotFound(broken, './broken.cjs')).toBe(false);
    expect(isModuleNotFound(new Error('x'), 'x')).toBe(false);
  });
});
