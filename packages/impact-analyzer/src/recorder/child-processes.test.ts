import { describe, expect, it } from '@jest/globals';
import type * as ChildProcess from 'node:child_process';
import type * as Fs from 'node:fs';
import { CHILD_LOG_VARIABLE, ChildProcessLog } from './child-processes.js';

/** A stand-in `child_process` whose spawnSync hands back the options it was given. */
function recordingChildProcess(): typeof ChildProcess {
  return { spawnSync: (_command: string, _args: string[], options: unknown) => options } as unknown as typeof ChildProcess;
}

function startedLog(childProcess: typeof ChildProcess): ChildProcessLog {
  const log = new ChildProcessLog({
    childProcess,
    fs: {} as typeof Fs,
    env: { PATH: '/bin' },
    hook: '/repo/child-hook.cjs',
    log: '/tmp/log',
  });
  log.start();
  return log;
}

describe('ChildProcessLog', () => {
  it("should preload the hook into a child of this process's user, keeping the caller's env", () => {
    const childProcess = recordingChildProcess();
    startedLog(childProcess);

    const options = childProcess.spawnSync('node', ['x.js'], { env: { GREETING: 'hi' } }) as unknown as { env: NodeJS.ProcessEnv };

    expect(options.env).toEqual({ GREETING: 'hi', NODE_OPTIONS: '--require "/repo/child-hook.cjs"', [CHILD_LOG_VARIABLE]: '/tmp/log' });
  });

  it('should leave a child started as another user as it is', () => {
    const childProcess = recordingChildProcess();
    startedLog(childProcess);
    const otherUser = { uid: (process.getuid?.() ?? 0) + 1, env: { GREETING: 'hi' } };
    const otherGroup = { gid: (process.getgid?.() ?? 0) + 1 };

    expect(childProcess.spawnSync('node', ['x.js'], otherUser)).toBe(otherUser);
    expect(childProcess.spawnSync('node', ['x.js'], otherGroup)).toBe(otherGroup);
  });
});
