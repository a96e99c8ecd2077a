import { describe, expect, it } from '@jest/globals';
import { configChangeReason } from './config-files.js';

describe('configChangeReason', () => {
  it('should give a reason for configuration that changes how every test loads', () => {
    const paths = [
      'tsconfig.json',
      'packages/a/tsconfig.build.json',
      'jsconfig.json',
      'babel.config.cjs',
      '.babelrc',
      '.babelrc.json',
      '.swcrc',
      'jest.config.ts',
      'jest.preset.js',
      '.nvmrc',
      '.node-version',
      '.npmrc',
    ];

    expect(paths.filter((path) => configChangeReason(path) === undefined)).toEqual([]);
    expect(configChangeReason('packages/a/tsconfig.build.json')).toMatch(/^packages\/a\/tsconfig\.build\.json changed: .+\.$/);
  });

  it('should give nothing for ordinary files', () => {
    expect(['src/a.ts', 'tsconfig.ts', 'README.md', 'src/jest.config.helper.ts', 'package.json'].map(configChangeReason)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
