import { describe, expect, it } from '@jest/globals';
import { diffManifest } from './manifest-diff.js';

describe('diffManifest', () => {
  it('should list changed fields that change how everything loads, not cosmetic ones', () => {
    const before = JSON.stringify({ name: 'a', version: '1.0.0', type: 'commonjs', exports: './a.js', engines: { node: '>=20' } });
    const after = JSON.stringify({ name: 'a', version: '1.0.1', type: 'module', exports: './b.js', engines: { node: '>=22' } });

    expect(diffManifest(before, after).runAllFields).toEqual(['type', 'exports']);
  });

  it('should name dependencies added, removed or changed in every dependency field, @types/x naming x', () => {
    const before = JSON.stringify({
      dependencies: { a: '^1', b: '^1' },
      devDependencies: { '@types/node': '^20', '@types/scope__c': '^1' },
    });
    const after = JSON.stringify({
      dependencies: { a: '^2' },
      devDependencies: { '@types/node': '^22', '@types/scope__c': '^2' },
      peerDependencies: { d: '*' },
      optionalDependencies: { e: '1' },
    });

    expect(diffManifest(before, after)).toEqual({
      runAllFields: [],
      dependencies: ['@scope/c', '@types/node', '@types/scope__c', 'a', 'b', 'd', 'e', 'node'],
    });
  });

  it('should treat a missing side as empty and an unparsable one as run-all', () => {
    expect(diffManifest(undefined, JSON.stringify({ dependencies: { a: '1' } }))).toEqual({ runAllFields: [], dependencies: ['a'] });
    expect(diffManifest('{', '{}').runAllFields).toHaveLength(1);
  });
});
