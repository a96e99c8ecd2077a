import { describe, it, expect } from '@jest/globals';
import { nativeRequire, nativeRequireFromProject } from './internal/native-require.js';
import { loadNativeRuntime } from './internal/native-runtime.js';

describe('probe', () => {
  it('should probe', () => {
    const vm = nativeRequire('node:vm') as typeof import('node:vm');
    const g1 = vm.runInThisContext('globalThis');
    const rt = loadNativeRuntime();
    const g2 = (rt.getNetworkGuard as any).constructor('return globalThis')();
    const k = Symbol.for('@proving-ground/test-modes/runtime');
    console.log('same sandbox?', g1 === globalThis, g2 === globalThis, g1 === g2, (g1 as any)[k], (g2 as any)[k]);
    rt.getNetworkGuard();
    console.log('after', (g1 as any)[k] !== undefined, (g2 as any)[k] !== undefined, (globalThis as any)[k]);
    const tc = nativeRequireFromProject('testcontainers') as any;
    const pgl = nativeRequireFromProject('@electric-sql/pglite') as any;
    console.log(typeof tc.getContainerRuntimeClient, typeof pgl.PGlite);
    expect(1).toBe(1);
  });
});
