/**
 * Temporary Jest projects that use the reporter (and the setup file), and what their runs left in
 * the history store: the shared arrange and assert steps of the reporter, quarantine and reruns suites.
 */
import { join, resolve } from 'node:path';
import { createJestProject, jestConfigModule, type JestProject } from '@proving-ground/test-kit';
import type { AttemptRecord, History } from '../src/model.js';
import { openHistoryStore } from '../src/store/open-store.js';

export const packageDir = resolve(import.meta.dirname, '..');

/** The store every project writes to, relative to its root. */
export const STORE = '.flaky-detector/history.sqlite';

/** What a project is made of. */
export interface ReporterProjectOptions {
  esm?: boolean;
  /** Add the setup file to `setupFilesAfterEnv`. */
  setup?: boolean;
  /** The reporter's options (`store` is set for you). */
  options?: Record<string, unknown>;
  /** More Jest options. */
  jest?: Record<string, unknown>;
  /** Test files and anything else, by path. */
  files: Record<string, string>;
}

/** A project whose Jest config uses the reporter (and, with `setup`, the setup file). */
export function reporterProject(options: ReporterProjectOptions): JestProject {
  const config = {
    testEnvironment: 'node',
    transform: {},
    reporters: ['default', ['@proving-ground/flaky-detector/reporter', { store: STORE, ...options.options }]],
    ...(options.setup === true ? { setupFilesAfterEnv: ['@proving-ground/flaky-detector/setup'] } : {}),
    ...options.jest,
  };
  return createJestProject({
    packageDir,
    esm: options.esm,
    files: { 'jest.config.js': jestConfigModule(config, { esm: options.esm }), ...options.files },
  });
}

/** Everything the project's store holds. */
export async function storedHistory(project: JestProject): Promise<History> {
  const store = await openHistoryStore({ path: join(project.dir, STORE) });
  try {
    return await store.history();
  } finally {
    await store.close();
  }
}

/** A test's attempts in one run as `status` strings, in attempt order, by full name. */
export function outcomesByTest(history: History, runId: string): Record<string, string[]> {
  const byTest: Record<string, AttemptRecord[]> = {};
  for (const attempt of history.attempts.filter((record) => record.runId === runId)) (byTest[attempt.fullName] ??= []).push(attempt);
  return Object.fromEntries(
    Object.entries(byTest).map(([name, attempts]) => [
      name,
      attempts.sort((a, b) => a.attempt - b.attempt).map((attempt) => attempt.status),
    ]),
  );
}

/** The id of the latest run in the history. */
export function lastRunId(history: History): string {
  const run = history.runs[history.runs.length - 1];
  if (run === undefined) throw new Error('the store holds no run');
  return run.runId;
}
