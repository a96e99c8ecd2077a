import { describe, expect, it } from '@jest/globals';
import { ImpactError, isImpactError } from '../errors.js';
import type { Command, CommandIo } from './command.js';
import { FAILURE_EXIT_CODE, runCommandLine, type CommandLine } from './command-line.js';

const greet: Command = {
  name: 'greet',
  summary: 'Say hello.',
  usage: '  demo greet --name NAME',
  options: { name: { type: 'string' }, loud: { type: 'boolean' } },
  run(values, positionals, io) {
    if (values['name'] === 'fail') throw new ImpactError('IMPACT_INVALID_OPTIONS', { action: 'greet', reason: 'no' });
    io.stdout(`hello ${String(values['name'])}${positionals.length > 0 ? ` and ${positionals.join(', ')}` : ''}\n`);
    return 0;
  },
};

const demo: CommandLine = {
  program: 'demo',
  commands: [greet],
  fail: (kind, failure) => new ImpactError(kind === 'unknown-command' ? 'IMPACT_UNKNOWN_COMMAND' : 'IMPACT_INVALID_CLI_ARGUMENTS', failure),
  isExpected: isImpactError,
};

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { cwd: '/', env: {}, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code = await runCommandLine(demo, args, io);
  return { code, stdout, stderr };
}

describe('runCommandLine', () => {
  it('should run the named command with its flags and positionals', async () => {
    expect(await run(['greet', '--name', 'ada', 'bob'])).toEqual({ code: 0, stdout: 'hello ada and bob\n', stderr: '' });
  });

  it('should print the overview for help and a command usage for help <command> and --help', async () => {
    expect((await run(['help'])).stdout).toContain('Usage: demo <command> [options]\n\nCommands:\n  greet  Say hello.');
    expect(await run(['help', 'greet'])).toMatchObject({ code: 0, stdout: 'Usage:\n  demo greet --name NAME\n' });
    expect(await run(['greet', '--help'])).toMatchObject({ code: 0, stdout: 'Usage:\n  demo greet --name NAME\n' });
  });

  it('should print the overview to stderr and fail without a command', async () => {
    const ran = await run([]);

    expect(ran.code).toBe(FAILURE_EXIT_CODE);
    expect(ran.stderr).toContain('Usage: demo <command>');
  });

  it('should name an unknown command with the nearest one, once and without a stack', async () => {
    const ran = await run(['gret']);

    expect(ran).toMatchObject({ code: FAILURE_EXIT_CODE, stdout: '' });
    expect(ran.stderr).toBe(
      '[impact-analyzer] Failed to run `demo gret`: there is no command "gret" (did you mean "greet"?). Run `demo help` for the list.\n',
    );
  });

  it('should name an unknown flag with the nearest one and give the usage', async () => {
    const ran = await run(['greet', '--nmae=ada']);

    expect(ran.code).toBe(FAILURE_EXIT_CODE);
    expect(ran.stderr).toContain('there is no flag --nmae (did you mean --name?)');
    expect(ran.stderr).toContain('Usage:\n  demo greet --name NAME');
  });

  it('should name a flag given without its value', async () => {
    const ran = await run(['greet', '--name']);

    expect(ran.code).toBe(FAILURE_EXIT_CODE);
    expect(ran.stderr).toMatch(/Failed to read the arguments of `demo greet`: .*--name/);
  });

  it("should print the package's own errors as their message alone", async () => {
    const ran = await run(['greet', '--name', 'fail']);

    expect(ran).toEqual({ code: FAILURE_EXIT_CODE, stdout: '', stderr: '[impact-analyzer] Failed to greet: no.\n' });
  });
});
