import { describe, expect, it } from '@jest/globals';
import { ProvingGroundError, errorGuard, firstLine, formatFailure, hasBrand, isProvingGroundError, prefixed } from './errors.js';

const kWidgetsError = Symbol.for('@proving-ground/widgets/error');

class WidgetsError extends ProvingGroundError<'WIDGETS_BROKEN' | 'WIDGETS_MISSING'> {
  static override readonly packageName: string = 'widgets';
  static override readonly errorName: string = 'WidgetsError';
}
const isWidgetsError = errorGuard(WidgetsError);

class GadgetsError extends ProvingGroundError<'GADGETS_BROKEN'> {
  static override readonly packageName: string = 'gadgets';
  static override readonly errorName: string = 'GadgetsError';
}

class SpecialWidgetsError extends WidgetsError {
  static override readonly errorName: string = 'SpecialWidgetsError';
}

describe('formatFailure', () => {
  it('should build the house message shape from its parts', () => {
    const message = formatFailure('cassettes', { action: 'load "a.json"', reason: 'it is not JSON', fix: 'Re-record it' });

    expect(message).toBe('[cassettes] Failed to load "a.json": it is not JSON. Re-record it.');
  });

  it('should not put a full stop after a command the reader copies', () => {
    const message = formatFailure('factories', {
      action: 'build "user"',
      reason: 'bad',
      fix: "Replay with: FACTORIES_SEED=1 npx jest a.test.ts -t '^a$'",
    });

    expect(message).toBe('[factories] Failed to build "user": bad. Replay with: FACTORIES_SEED=1 npx jest a.test.ts -t \'^a$\'');
  });

  it('should put detail lines between the reason and the fix', () => {
    const message = formatFailure('test-modes', {
      action: 'read the options of postgresService()',
      reason: '2 problems:',
      details: ['- image: expected a string.', '- tiemout: unknown option.'],
      fix: 'Fix the options above.',
    });

    expect(message).toBe(
      '[test-modes] Failed to read the options of postgresService(): 2 problems:\n- image: expected a string.\n- tiemout: unknown option.\nFix the options above.',
    );
  });

  it('should mask the password of anything URL-shaped anywhere in the message', () => {
    const message = formatFailure('test-modes', {
      action: 'connect to postgres:/admin:hunter2@db:5432/app',
      reason: 'the fallback amqp://:s3cret@mq:5672 failed too',
    });

    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('s3cret');
    expect(message).toContain('postgres:/admin:***@db:5432/app');
    expect(message).toContain('amqp://:***@mq:5672');
  });
});

describe('ProvingGroundError', () => {
  it('should carry the code, add the package prefix once and keep the cause nested', () => {
    const cause = new Error('ENOENT: no such file');

    const error = new WidgetsError('WIDGETS_MISSING', { action: 'open "w.json"', reason: firstLine(cause), fix: 'Create it.' }, { cause });

    expect(error.message).toBe('[widgets] Failed to open "w.json": ENOENT: no such file. Create it.');
    expect(error.code).toBe('WIDGETS_MISSING');
    expect(error.name).toBe('WidgetsError');
    expect(error.packageName).toBe('widgets');
    expect(error.cause).toBe(cause);
  });

  it('should add the prefix to a plain message that lacks it, and not twice', () => {
    expect(new WidgetsError('WIDGETS_BROKEN', 'Failed to spin: no axle.').message).toBe('[widgets] Failed to spin: no axle.');
    expect(new WidgetsError('WIDGETS_BROKEN', '[widgets] Failed to spin: no axle.').message).toBe('[widgets] Failed to spin: no axle.');
  });

  it('should be recognised through its brands across copies, not instanceof', () => {
    const error = new WidgetsError('WIDGETS_BROKEN', 'x');
    const lookalike = Object.assign(new Error('x'), { code: 'WIDGETS_BROKEN' });

    expect(isProvingGroundError(error)).toBe(true);
    expect(hasBrand(error, kWidgetsError)).toBe(true);
    expect(isWidgetsError(error)).toBe(true);
    expect(isWidgetsError(new GadgetsError('GADGETS_BROKEN', 'x'))).toBe(false);
    expect(isProvingGroundError(lookalike)).toBe(false);
    expect(isWidgetsError(lookalike)).toBe(false);
    expect(isProvingGroundError(null)).toBe(false);
  });

  it('should keep the package of its base class and its own name in a subclass', () => {
    const error = new SpecialWidgetsError('WIDGETS_MISSING', 'Failed to find it: gone.');

    expect(error.name).toBe('SpecialWidgetsError');
    expect(error.message).toBe('[widgets] Failed to find it: gone.');
    expect(isWidgetsError(error)).toBe(true);
    expect(error).toBeInstanceOf(WidgetsError);
  });
});

describe('firstLine', () => {
  it('should quote the first line of any thrown value, masked', () => {
    expect(firstLine(new Error('bad\nstack-ish detail'))).toBe('bad');
    expect(firstLine('redis://u:pw@cache refused')).toBe('redis://u:***@cache refused');
  });
});

describe('prefixed', () => {
  it('should prefix a warning once and mask URL passwords in it', () => {
    expect(prefixed('factories', 'shared constant')).toBe('[factories] shared constant');
    expect(prefixed('factories', '[factories] shared constant')).toBe('[factories] shared constant');
    expect(prefixed('x', 'see redis://u:pw@r')).toBe('[x] see redis://u:***@r');
  });
});
