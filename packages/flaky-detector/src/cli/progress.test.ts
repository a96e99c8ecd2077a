import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { CommandIo } from './command.js';
import { startProgress } from './progress.js';

function collector(isTTY: boolean): CommandIo & { written: string[] } {
  const written: string[] = [];
  return { cwd: '/', env: {}, isTTY, written, stdout: () => undefined, stderr: (text) => written.push(text) };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('startProgress', () => {
  it('should redraw a terminal bar in place at most every 100 ms and end its line when done', () => {
    jest.useFakeTimers({ now: 0 });
    const io = collector(true);

    const progress = startProgress(io, 'Merging', 200, 'runs');
    for (let index = 0; index < 100; index += 1) progress.advance();
    jest.setSystemTime(150);
    progress.advance();
    progress.done();
    progress.advance();

    expect(io.written).toEqual([
      '\rMerging [----------------------------]   0% 0/200 runs',
      '\rMerging [##############--------------]  50% 101/200 runs',
      '\rMerging [############################] 100% 200/200 runs',
      '\n',
    ]);
  });

  it('should print a plain line at each 10 % step when stderr is not a terminal', () => {
    const io = collector(false);

    const progress = startProgress(io, 'Reading', 1_000, 'runs');
    for (let index = 0; index < 1_000; index += 1) progress.advance();
    progress.done();

    expect(io.written).toHaveLength(11);
    expect(io.written[0]).toBe('Reading: 0/1,000 runs (0%)\n');
    expect(io.written[5]).toBe('Reading: 500/1,000 runs (50%)\n');
    expect(io.written[10]).toBe('Reading: 1,000/1,000 runs (100%)\n');
  });

  it('should finish at 100 % when there was nothing to do', () => {
    const io = collector(false);

    startProgress(io, 'Merging', 0, 'runs').done();

    expect(io.written).toEqual(['Merging: 0/0 runs (100%)\n']);
  });
});
