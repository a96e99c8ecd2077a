import { checks, countProblems, listOptionProblems } from '@proving-ground/kit';
import type net from 'node:net';
import { registerFault, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { addFsRule, type FsCall, type FsDecision } from './fs-hooks.js';
import { addNetRule } from './net-hooks.js';
import { describePattern, pathMatcher, type PathPattern } from './paths.js';

/** Options of {@link limitDescriptors}. */
export interface DescriptorBudgetOptions {
  /** How many descriptors the code may hold open at once, counted from now (files opened through `fs`, sockets through `net`). */
  budget: number;
  /** Count and refuse only files under these paths (sockets always count). Default: every path. */
  path?: PathPattern;
  /** Count sockets too (default true). */
  sockets?: boolean;
}

/** A descriptor budget: a {@link FaultHandle} that also says what it holds. */
export interface DescriptorBudgetHandle extends FaultHandle {
  /** Descriptors opened since the budget began and still open. */
  readonly open: number;
  /** Opens and connects refused with `EMFILE`. */
  readonly refused: number;
}

/**
 * A synthetic descriptor limit: once `budget` descriptors opened from now on are open at the same
 * time, opening a file (`fs`, `fs/promises`, streams) or connecting a socket (`net`, and so `http`,
 * `fetch`, database drivers) fails with `EMFILE`, shaped like Node's own. Closing one frees a place,
 * so a service can be seen to recover. For the real limit of a child process, see
 * {@link spawnWithDescriptorLimit}.
 *
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` listing every problem with the options
 * @example
 * await using descriptors = limitDescriptors({ budget: 50 })
 * expect((await health()).warnings).toContain('descriptors')
 */
export function limitDescriptors(options: DescriptorBudgetOptions): DescriptorBudgetHandle {
  const problems = listOptionProblems(options, {
    budget: checks.integer(0),
    path: (value) =>
      typeof value === 'string' || value instanceof RegExp || typeof value === 'function'
        ? undefined
        : 'expected a glob, a path, a RegExp or a function',
    sockets: checks.boolean(),
  });
  if ((options as Partial<DescriptorBudgetOptions>).budget === undefined) problems.push('- budget: required (a whole number >= 0).');
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: 'limit descriptors',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
  const matches = options.path === undefined ? () => true : pathMatcher(options.path);
  const held = new Set<number | net.Socket>();
  let refused = 0;
  const self: { handle?: FaultHandle } = {};
  const exhausted = (): boolean => held.size >= options.budget;

  const removeFsRule = addFsRule({
    decide(call: FsCall): FsDecision | undefined {
      if ((call.op !== 'open' && call.op !== 'readdir') || call.path === undefined || !matches(call.path) || !exhausted()) return undefined;
      refused++;
      self.handle?.record(`EMFILE on ${call.syscall} '${call.path}' (${held.size} of ${options.budget} held)`);
      return { error: 'EMFILE' };
    },
    opened: (fd, path) => {
      if (matches(path)) held.add(fd);
    },
    closed: (fd) => {
      held.delete(fd);
    },
  });
  const removeNetRule =
    options.sockets === false
      ? () => undefined
      : addNetRule({
          beforeConnect() {
            if (!exhausted()) return undefined;
            refused++;
            self.handle?.record(`EMFILE on connect (${held.size} of ${options.budget} held)`);
            return 'EMFILE';
          },
          connecting(socket) {
            held.add(socket);
            socket.once('close', () => held.delete(socket));
          },
        });
  const sockets = options.sockets === false ? '' : ' and sockets';
  const scope = options.path === undefined ? '' : ` under ${describePattern(options.path)}`;
  const registered = (self.handle = registerFault({
    kind: 'descriptors',
    target: `EMFILE beyond ${options.budget} open files${scope}${sockets}`,
    restore: () => {
      removeFsRule();
      removeNetRule();
    },
  }));
  return Object.defineProperties({} as DescriptorBudgetHandle, {
    ...Object.getOwnPropertyDescriptors(registered),
    open: { get: () => held.size, enumerable: true },
    refused: { get: () => refused, enumerable: true },
  });
}
