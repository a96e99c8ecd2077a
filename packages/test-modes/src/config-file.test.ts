import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, validateConfig } from './config-file.js';
import { isTestModesError } from './errors.js';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isTestModesError(error) && error.code === 'TEST_MODES_INVALID_CONFIG') return error.message;
    throw error;
  }
  throw new Error('expected TEST_MODES_INVALID_CONFIG');
}

describe('validateConfig', () => {
  it('should accept every documented option', () => {
    const config = {
      defaultMode: 'golden',
      defaultRecord: 'none',
      allowHosts: ['a.internal', /b/],
      allowLoopback: true,
      banner: false,
      failOnBlockedConnection: true,
    };

    expect(validateConfig(config, 'test-modes.config.json')).toBe(config);
  });

  it('should list every problem at once, by option name', () => {
    const message = messageOf(() => validateConfig({ defaultMod: 'mock', defaultRecord: 'some', banner: 1 }, 'cfg.json'));

    expect(message.split('\n')).toEqual([
      '[test-modes] Failed to load cfg.json: 3 invalid options.',
      '- defaultMod: unknown option. Did you mean "defaultMode"? Known options: defaultMode, defaultRecord, allowHosts, allowLoopback, banner, failOnBlockedConnection.',
      '- defaultRecord: expected one of none, missing, all, got "some".',
      '- banner: expected true or false, got 1.',
      'Fix the options named above; see docs/test-modes.md for each option.',
    ]);
  });

  it('should treat an option set to undefined as left out', () => {
    expect(validateConfig({ banner: undefined, allowHosts: undefined }, 'cfg.js')).toEqual({ banner: undefined, allowHosts: undefined });
  });

  it('should reject a non-object export', () => {
    expect(messageOf(() => validateConfig([1], 'cfg.js'))).toContain('the file must export an object of options, got an array');
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'test-modes-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should find the nearest config file from a nested folder', () => {
    writeFileSync(join(dir, 'test-modes.config.json'), JSON.stringify({ allowHosts: ['api.internal'] }));
    const nested = join(dir, 'packages', 'app');
    mkdirSync(nested, { recursive: true });

    expect(loadConfig({ cwd: nested, env: {} })).toEqual({
      config: { allowHosts: ['api.internal'] },
      file: join(dir, 'test-modes.config.json'),
    });
  });

  it('should load a CommonJS config', () => {
    writeFileSync(join(dir, 'test-modes.config.cjs'), 'module.exports = { banner: false };');

    expect(loadConfig({ cwd: dir, env: {} }).config).toEqual({ banner: false });
  });

  it('should report malformed JSON with the path, without touching the file', () => {
    const file = join(dir, 'test-modes.config.json');
    writeFileSync(file, '{ "banner": true, }');

    expect(messageOf(() => loadConfig({ cwd: dir, env: {} }))).toContain(`[test-modes] Failed to load ${file}: the file is not valid JSON`);
  });

  it('should honour TEST_MODES_CONFIG and fail clearly when it points nowhere', () => {
    writeFileSync(join(dir, 'custom.json'), JSON.stringify({ defaultMode: 'golden' }));

    expect(loadConfig({ cwd: dir, env: { TEST_MODES_CONFIG: 'custom.json' } }).config).toEqual({ defaultMode: 'golden' });
    expect(messageOf(() => loadConfig({ cwd: dir, env: { TEST_MODES_CONFIG: 'missing.json' } }))).toContain(
      'TEST_MODES_CONFIG names a file that does not exist',
    );
  });
});
