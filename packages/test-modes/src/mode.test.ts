import { afterEach, describe, expect, it } from '@jest/globals';
import { isTestModesError } from './errors.js';
import { currentMode, isCi, parseMode, parseRecordPolicy, resolveModeSettings, whenMode } from './mode.js';

function errorOf(action: () => unknown): { code?: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isTestModesError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseMode', () => {
  it.each([
    ['mock', 'mock'],
    ['MOCK', 'mock'],
    ['Golden', 'golden'],
    ['LIVE_SMOKE', 'live_smoke'],
    ['live-smoke', 'live_smoke'],
    [' golden ', 'golden'],
  ])('should read %p as %p', (raw, mode) => {
    expect(parseMode(raw)).toBe(mode);
  });

  it('should name the valid values and the nearest match for a typo', () => {
    const error = errorOf(() => parseMode('goldne'));

    expect(error.code).toBe('TEST_MODES_INVALID_MODE');
    expect(error.message).toBe(
      '[test-modes] Failed to read TEST_MODE: "goldne" is not a valid value. Valid values: mock, golden, live_smoke (case-insensitive). Did you mean "golden"? Set TEST_MODE to one of them, or unset it for the default.',
    );
  });

  it('should not suggest anything for a value far from every mode', () => {
    expect(errorOf(() => parseMode('production')).message).not.toContain('Did you mean');
  });
});

describe('parseRecordPolicy', () => {
  it('should accept none, missing and all in any case', () => {
    expect(['NONE', 'Missing', 'all'].map(parseRecordPolicy)).toEqual(['none', 'missing', 'all']);
  });

  it('should reject an unknown policy with the nearest match', () => {
    const error = errorOf(() => parseRecordPolicy('missng'));

    expect(error.code).toBe('TEST_MODES_INVALID_RECORD_POLICY');
    expect(error.message).toContain('Did you mean "missing"?');
  });
});

describe('resolveModeSettings', () => {
  it('should default to mock and none', () => {
    expect(resolveModeSettings({})).toEqual({ mode: 'mock', record: 'none', source: { mode: 'default', record: 'default' } });
  });

  it('should prefer the environment over config defaults', () => {
    const settings = resolveModeSettings({ TEST_MODE: 'live_smoke' }, { defaultMode: 'golden', defaultRecord: 'missing' });

    expect(settings).toEqual({ mode: 'live_smoke', record: 'missing', source: { mode: 'TEST_MODE', record: 'config' } });
  });

  it('should treat an empty TEST_MODE as unset', () => {
    expect(resolveModeSettings({ TEST_MODE: '' }).mode).toBe('mock');
  });

  it('should refuse recording outside live_smoke', () => {
    expect(errorOf(() => resolveModeSettings({ TEST_MODE: 'golden', TEST_RECORD: 'all' })).code).toBe(
      'TEST_MODES_RECORDING_NEEDS_LIVE_SMOKE',
    );
  });

  it('should refuse recording on CI unless TEST_RECORD_IN_CI=1', () => {
    const env = { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing', CI: 'true' };

    expect(errorOf(() => resolveModeSettings(env)).code).toBe('TEST_MODES_RECORDING_IN_CI');
    expect(resolveModeSettings({ ...env, TEST_RECORD_IN_CI: '1' }).record).toBe('missing');
    expect(resolveModeSettings({ ...env, CI: 'false' }).record).toBe('missing');
  });

  it('should allow live_smoke without recording on CI', () => {
    expect(resolveModeSettings({ TEST_MODE: 'live_smoke', CI: '1' }).record).toBe('none');
  });
});

describe('isCi', () => {
  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('should read %p as %p', (env, expected) => {
    expect(isCi(env)).toBe(expected);
  });
});

describe('whenMode', () => {
  const saved = process.env['TEST_MODE'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TEST_MODE'];
    else process.env['TEST_MODE'] = saved;
  });

  it('should return the value of the current mode', () => {
    process.env['TEST_MODE'] = 'golden';

    expect(currentMode()).toBe('golden');
    expect(whenMode({ mock: 1, golden: 2, live_smoke: 3 })).toBe(2);
  });

  it('should fall back to default', () => {
    process.env['TEST_MODE'] = 'live_smoke';

    expect(whenMode({ mock: 'handlers', default: 'real' })).toBe('real');
  });

  it('should return falsy values as they are', () => {
    process.env['TEST_MODE'] = 'mock';

    expect(whenMode({ mock: 0, default: 5 })).toBe(0);
  });

  it('should say which mode has no value', () => {
    process.env['TEST_MODE'] = 'live_smoke';

    const error = errorOf(() => whenMode({ mock: 1, golden: 2 }));
    expect(error.code).toBe('TEST_MODES_NO_MODE_BRANCH');
    expect(error.message).toContain('the current mode is live_smoke, and the choices cover only mock, golden');
  });
});
