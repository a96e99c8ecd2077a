import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { isSupportedNode, nodeCheckBanner, refuseUnsupportedNode } from './node-version.js';

describe('refuseUnsupportedNode', () => {
  it('should refuse a Node older than 22.19 saying which one and what to do', () => {
    expect(() => refuseUnsupportedNode('cassettes', 'v20.20.2')).toThrow(
      '[cassettes] requires Node >= 22.19 (this is 20.20.2). Upgrade Node to 22.19 or later',
    );
    expect(() => refuseUnsupportedNode('cassettes', '22.18.0')).toThrow('(this is 22.18.0)');
  });

  it('should accept 22.19 and later', () => {
    for (const version of ['22.19.0', '22.20.1', '24.1.0', 'v26.0.0']) expect(() => refuseUnsupportedNode('x', version)).not.toThrow();
    expect(isSupportedNode('22.19.0')).toBe(true);
    expect(isSupportedNode('22.18.9')).toBe(false);
  });
});

describe('nodeCheckBanner', () => {
  it('should be self-contained JavaScript that refuses an old Node as the first lines of a file', () => {
    const fakeOld = `Object.defineProperty(process.versions, 'node', { value: '20.1.0' });\n${nodeCheckBanner('factories')}\nconsole.log('loaded');`;
    const fakeNew = `${nodeCheckBanner('factories')}\nconsole.log('loaded');`;

    const old = spawnSync(process.execPath, ['-e', fakeOld], { encoding: 'utf8' });
    const current = spawnSync(process.execPath, ['-e', fakeNew], { encoding: 'utf8' });

    expect(old.status).not.toBe(0);
    expect(old.stderr).toContain('[factories] requires Node >= 22.19 (this is 20.1.0)');
    expect(old.stdout).toBe('');
    expect(current.stderr).toBe('');
    expect(current.stdout).toBe('loaded\n');
  });
});
