import { describe, expect, it } from '@jest/globals';
import { registerFault, toRecoverWithin } from '../src/index.js';

/** A dependency that answers again after `failures` failed calls. */
function flakyDependency(failures: number): { calls: number; health: () => Promise<string> } {
  const dependency = {
    calls: 0,
    health: (): Promise<string> => {
      dependency.calls++;
      if (dependency.calls <= failures) return Promise.reject(new Error(`connect ECONNREFUSED 127.0.0.1:5432 (call ${dependency.calls})`));
      return Promise.resolve('ok');
    },
  };
  return dependency;
}

describe('toRecoverWithin', () => {
  it('should pass once the probe passes, polling it', async () => {
    const database = flakyDependency(3);

    await expect(async () => expect(await database.health()).toBe('ok')).toRecoverWithin(60_000, { interval: 1 });

    expect(database.calls).toBe(4);
  });

  it('should fail with the last error, the attempts, the wait and the fault timeline', async () => {
    const database = flakyDependency(Infinity);
    await using down = registerFault({ kind: 'tcp', target: 'postgres down', restore: () => undefined });

    const outcome = await toRecoverWithin.call(undefined, () => database.health(), 20, { interval: 5 });

    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toMatch(
      /^expect\(probe\)\.toRecoverWithin\(ms\)\n\n\[chaos-injectors\] The probe did not recover within 20ms: it still failed after \d+ms \(\d+ attempts\)\.\nLast error: connect ECONNREFUSED 127\.0\.0\.1:5432 \(call \d+\)\n\nFault timeline \(seed [^)]+\):\n {2}\+\d+ms injected tcp postgres down$/,
    );
    expect(database.calls).toBeGreaterThan(1);
    expect(down.active).toBe(true);
  });

  it('should fail through expect, with Jest matcher text in the last error', async () => {
    const probe = (): void => expect({ status: 'degraded' }).toEqual({ status: 'ok' });

    await expect(expect(probe).toRecoverWithin(10, { interval: 2 })).rejects.toThrow(
      /did not recover within 10ms[^]*Last error: expect\(received\)\.toEqual\(expected\)/,
    );
  });

  it('should count a probe still running at the deadline, and after a second at least, as failing', async () => {
    const outcome = await toRecoverWithin.call(undefined, () => new Promise(() => undefined), 15);

    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toMatch(
      /it still failed after \d+ms \(1 attempt\)\.\nLast error: ProbeStillRunning: the probe was still running after 1000ms \(does it hang\?\)/,
    );
  });

  it('should treat a probe that returns false as failing, and support .not', async () => {
    let healthy = false;

    await expect(() => healthy).not.toRecoverWithin(10, { interval: 2 });
    healthy = true;
    await expect(() => healthy).toRecoverWithin(0);
    const negated = await toRecoverWithin.call({ isNot: true }, () => true, 0);

    expect(negated.message()).toMatch(/Expected the probe not to recover within 0ms, but it passed after \d+ms \(1 attempt\)\./);
  });

  it('should refuse a probe that is not a function and bad arguments, listing every problem', async () => {
    await expect(toRecoverWithin.call(undefined, 'health', -5, { intervl: 10 } as never)).rejects.toMatchObject({
      code: 'CHAOS_INVALID_ASSERTION',
      message:
        '[chaos-injectors] Failed to check recovery with toRecoverWithin(): its arguments have 3 problems.\n' +
        '- received: expected a probe function (expect(async () => ...)), got string.\n' +
        '- ms: expected a number >= 0, got -5.\n' +
        '- options.intervl: unknown option. Did you mean "interval"? Known options: interval.\n' +
        'Write expect(async () => probe()).toRecoverWithin(2000, { interval: 50 }), and await it.',
    });
  });
});
