import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { commonJsModule, createJestProject, jestConfigModule, testModule, type JestRun } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

declare const PREFIX: string;
declare const NAMES: string[];

function factoriesV1(): void {
  const { defineFactory } = require('@proving-ground/factories') as typeof import('@proving-ground/factories');
  Object.assign(module.exports, {
    User: defineFactory('user')
      .sequence('id')
      .attr('name', ({ faker }) => faker.person.fullName())
      .attr('email', ['name'], ({ name }, { faker }) => faker.internet.email({ firstName: name }))
      .attr('city', ({ faker }) => faker.location.city())
      .attr('joinedAt', ({ faker }) => faker.date.past().toISOString()),
  });
}

// v2 adds a field in the middle: no other value may move.
function factoriesV2(): void {
  const { defineFactory } = require('@proving-ground/factories') as typeof import('@proving-ground/factories');
  Object.assign(module.exports, {
    User: defineFactory('user')
      .sequence('id')
      .attr('name', ({ faker }) => faker.person.fullName())
      .attr('email', ['name'], ({ name }, { faker }) => faker.internet.email({ firstName: name }))
      .attr('phone', ({ faker }) => faker.phone.number())
      .attr('city', ({ faker }) => faker.location.city())
      .attr('joinedAt', ({ faker }) => faker.date.past().toISOString()),
  });
}

function record(name: string, value: unknown): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  fs.writeFileSync(path.join(process.env['OUT_DIR']!, `${name}.json`), JSON.stringify(value));
}

type UserFactoryLike = { buildList(count: number): Array<Record<string, unknown>>; build(): Record<string, unknown> & { name: string } };

/** One test per name in a describe named PREFIX, each recording two users. */
function recordingTests(): void {
  const { User } = require('./factories') as { User: UserFactoryLike };
  const jest = require('@jest/globals') as typeof import('@jest/globals');
  const { record: write } = require('./record') as { record: (name: string, value: unknown) => void };
  jest.describe(PREFIX, () => {
    for (const name of NAMES)
      jest.it(name, () => write(`${PREFIX}-${name}`, { users: User.buildList(2), workerId: process.env['JEST_WORKER_ID'] }));
  });
}

function testFile(prefix: string, names: string[]): string {
  return `const PREFIX = ${JSON.stringify(prefix)};\nconst NAMES = ${JSON.stringify(names)};\n${testModule(recordingTests)}`;
}

// Three tests that build, wait (so concurrent runs interleave their builds) and build again; the
// third fails. With CONCURRENT=1 they are test.concurrent.
function concurrentTests(): void {
  const { User } = require('./factories') as { User: UserFactoryLike };
  const jest = require('@jest/globals') as typeof import('@jest/globals');
  const { record: write } = require('./record') as { record: (name: string, value: unknown) => void };
  const events: string[] = [];
  const run = process.env['CONCURRENT'] === '1' ? jest.test.concurrent : jest.test;
  jest.afterAll(() => write('e-events', events));
  jest.describe('concurrent', () => {
    for (const [name, delay] of [
      ['one', 60],
      ['two', 30],
      ['three', 5],
    ] as const) {
      run(name, async () => {
        events.push(`start ${name}`);
        const first = User.build();
        await new Promise((resolve) => setTimeout(resolve, delay));
        const second = User.build();
        events.push(`end ${name}`);
        write(
          `e-${name}`,
          [first, second].map((user) => Object.fromEntries(Object.entries(user).filter(([key]) => key !== 'id'))),
        );
        if (name === 'three') jest.expect(second.name).toBe('nobody');
      });
    }
  });
}

function replayTest(): void {
  const { User } = require('./factories') as { User: UserFactoryLike };
  const jest = require('@jest/globals') as typeof import('@jest/globals');
  const { record: write } = require('./record') as { record: (name: string, value: unknown) => void };
  jest.describe('replay', () => {
    jest.it('should fail', () => {
      const user = User.build();
      write('d-fail', { users: [user] });
      jest.expect(user.name).toBe('nobody');
    });
  });
}

const FACTORIES_V1 = testModule(factoriesV1);
const FACTORIES_V2 = testModule(factoriesV2);

const project = createJestProject({
  'jest.config.js': jestConfigModule({ testEnvironment: 'node', transform: {}, setupFilesAfterEnv: ['@proving-ground/factories/setup'] }),
  'factories.js': FACTORIES_V1,
  'record.js': commonJsModule({ record }),
  'a.test.js': testFile('a', ['one', 'two', 'three']),
  'b.test.js': testFile('b', ['one', 'two', 'three']),
  'c.test.js': testFile('c', ['one', 'two']),
});

afterAll(() => project.remove());

type Users = { users: Array<Record<string, unknown>>; workerId: string };

function omit(object: Record<string, unknown>, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== field));
}

function withoutIds(run: JestRun): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(run.outputs as Record<string, Users>).map(([file, { users }]) => [file, users.map((user) => omit(user, 'id'))]),
  );
}

describe('factories in real Jest runs', () => {
  let serial: JestRun;

  it('should produce identical data with one worker, and with two workers and --randomize', async () => {
    serial = await project.run({ args: ['--maxWorkers=1'] });
    const parallel = await project.run({ args: ['--maxWorkers=2', '--randomize', '--seed=4242'] });

    expect([serial.exitCode, parallel.exitCode]).toEqual([0, 0]);
    expect(new Set(Object.values(parallel.outputs as Record<string, Users>).map((output) => output.workerId)).size).toBe(2);
    expect(Object.keys(serial.outputs)).toHaveLength(8);
    expect(withoutIds(parallel)).toEqual(withoutIds(serial));
    expect(new Set((serial.outputs['a-one.json'] as Users).users.map((user) => user['name'])).size).toBe(2);
    expect((serial.outputs['a-one.json'] as Users).users).not.toEqual((serial.outputs['b-one.json'] as Users).users);
  });

  it('should produce the same data whatever folder Jest is started from', async () => {
    const fromParent = await project.run({
      args: ['--config', join(project.dir, 'jest.config.js'), '--maxWorkers=1'],
      cwd: dirname(project.dir),
    });

    expect(fromParent.exitCode).toBe(0);
    expect(withoutIds(fromParent)).toEqual(withoutIds(serial));
  });

  it('should never repeat a sequence value across parallel workers, and restart it in every test file', async () => {
    const parallel = await project.run({ args: ['--maxWorkers=2'] });

    const idsByWorker = new Map<string, Set<unknown>>();
    for (const { users, workerId } of Object.values(parallel.outputs as Record<string, Users>)) {
      const ids = idsByWorker.get(workerId) ?? new Set();
      for (const user of users) ids.add(user['id']);
      idsByWorker.set(workerId, ids);
    }
    const [first, second] = [...idsByWorker.values()];

    expect(idsByWorker.size).toBe(2);
    expect([...first!].filter((id) => second!.has(id))).toEqual([]);
    expect((parallel.outputs['c-one.json'] as Users).users.map((user) => Number(user['id']) % 1_000_000)).toEqual([1, 2]);
  });

  it('should keep every value when a field and a test are added', async () => {
    project.write('factories.js', FACTORIES_V2);
    project.write('a.test.js', testFile('a', ['zero', 'one', 'two', 'three']));

    const grown = await project.run({ args: ['--maxWorkers=1'] });

    expect(grown.exitCode).toBe(0);
    const before = withoutIds(serial) as Record<string, Array<Record<string, unknown>>>;
    const after = withoutIds(grown) as Record<string, Array<Record<string, unknown>>>;
    for (const [file, users] of Object.entries(before)) {
      expect(after[file]!.map((user) => omit(user, 'phone'))).toEqual(users);
    }
    expect(after['a-zero.json']![0]).toHaveProperty('phone');
    project.write('factories.js', FACTORIES_V1);
    project.write('a.test.js', testFile('a', ['one', 'two', 'three']));
  });

  it('should give each test.concurrent test its own data, the same as when the tests run one by one', async () => {
    project.write('e.test.js', testModule(concurrentTests));

    const concurrent = await project.run({ args: ['e.test.js'], env: { CONCURRENT: '1' } });
    const serialRun = await project.run({ args: ['e.test.js'] });

    const events = concurrent.outputs['e-events.json'] as string[];
    // The tests really interleaved: every one started before the first one finished.
    expect(events.slice(0, 3).sort()).toEqual(['start one', 'start three', 'start two']);
    expect(serialRun.outputs['e-events.json']).toEqual(['start one', 'end one', 'start two', 'end two', 'start three', 'end three']);
    const data = (run: JestRun): unknown[] => ['one', 'two', 'three'].map((name) => run.outputs[`e-${name}.json`]);
    expect(data(concurrent)).toEqual(data(serialRun));
    expect(new Set(data(concurrent).map((users) => JSON.stringify(users))).size).toBe(3);
    const failure = concurrent.tests.find((test) => test.fullName === 'concurrent three')!.failureMessages.join('\n');
    expect(failure).toContain("npx jest e.test.js -t '^concurrent three$'");
    rmSync(join(project.dir, 'e.test.js'));
  });

  it('should print one FACTORIES_SEED line under a failing test that replays its data', async () => {
    project.write('d.test.js', testModule(replayTest));

    const failed = await project.run({ args: ['d.test.js'], env: { FACTORIES_SEED: 'random' } });
    const message = failed.tests[0]!.failureMessages.join('\n');
    const line = /FACTORIES_SEED=(\d+) npx jest d\.test\.js -t '\^replay should fail\$'/.exec(message);
    const replayed = await project.run({
      args: ['d.test.js', '-t', '^replay should fail$'],
      env: { FACTORIES_SEED: line?.[1] ?? 'missing' },
    });
    const withDefaultSeed = await project.run({ args: ['d.test.js'] });

    expect(failed.exitCode).toBe(1);
    expect(line).not.toBeNull();
    expect(message.match(/FACTORIES_SEED=/g)).toHaveLength(1);
    expect(replayed.outputs['d-fail.json']).toEqual(failed.outputs['d-fail.json']);
    // The seed is what made the data: the default seed gives another user.
    expect(withDefaultSeed.outputs['d-fail.json']).not.toEqual(failed.outputs['d-fail.json']);
  });
});
