import type { FailureGroup, GroupOptions } from './analysis-types.js';
import { OUTCOME, type Timelines } from './test-timeline.js';

/**
 * Tests that fail in the same runs, grouped: two tests are linked when they failed their first
 * attempt together in at least `minSupport` runs and the Jaccard similarity of their failing-run
 * sets (runs both failed / runs either failed) is at least `minJaccard`; a group is a connected set
 * of links. Outage runs are left out (there everything fails together), and so are pair counts of
 * runs with more than `maxFailuresPerRun` failing candidates.
 *
 * @example
 * failureGroups(timelines, { minSupport: 3, minJaccard: 0.6, maxFailuresPerRun: 500 })[0].testIds
 */
export function failureGroups(timelines: Timelines, options: GroupOptions): FailureGroup[] {
  const { tests, outage, runs } = timelines;
  // Each candidate test's failing runs (first attempt failed, outages left out).
  const failing = new Map<number, number[]>();
  tests.forEach((test, index) => {
    const list: number[] = [];
    for (let p = 0; p < test.length; p++) {
      const outcome = test.outcome[p]!;
      const run = test.runIndex[p]!;
      if ((outcome === OUTCOME.failed || outcome === OUTCOME.flaky) && outage[run] === 0) list.push(run);
    }
    if (list.length >= options.minSupport) failing.set(index, list);
  });
  if (failing.size < 2) return [];

  // Run -> candidate tests that failed in it, then pair counts over those lists.
  const byRun = new Map<number, number[]>();
  for (const [test, list] of failing) {
    for (const run of list) {
      let failed = byRun.get(run);
      if (failed === undefined) byRun.set(run, (failed = []));
      failed.push(test);
    }
  }
  const together = new Map<number, number>();
  const size = tests.length;
  for (const failed of byRun.values()) {
    if (failed.length > options.maxFailuresPerRun) continue;
    for (let i = 0; i < failed.length; i++) {
      for (let j = i + 1; j < failed.length; j++) {
        const a = Math.min(failed[i]!, failed[j]!);
        const b = Math.max(failed[i]!, failed[j]!);
        const key = a * size + b;
        together.set(key, (together.get(key) ?? 0) + 1);
      }
    }
  }

  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const links: Array<{ a: number; b: number; support: number; jaccard: number }> = [];
  for (const [key, support] of together) {
    if (support < options.minSupport) continue;
    const a = Math.floor(key / size);
    const b = key % size;
    const jaccard = support / (failing.get(a)!.length + failing.get(b)!.length - support);
    if (jaccard < options.minJaccard) continue;
    links.push({ a, b, support, jaccard });
    const rootA = find(a);
    const rootB = find(b);
    if (!parent.has(rootA)) parent.set(rootA, rootA);
    if (!parent.has(rootB)) parent.set(rootB, rootB);
    if (rootA !== rootB) parent.set(rootB, rootA);
  }

  const members = new Map<number, { tests: number[]; support: number; jaccard: number }>();
  for (const test of parent.keys()) {
    const root = find(test);
    let group = members.get(root);
    if (group === undefined) members.set(root, (group = { tests: [], support: Infinity, jaccard: Infinity }));
    group.tests.push(test);
  }
  for (const link of links) {
    const group = members.get(find(link.a))!;
    group.support = Math.min(group.support, link.support);
    group.jaccard = Math.min(group.jaccard, link.jaccard);
  }

  const groups = [...members.values()].map((group) => {
    const inGroup = new Set(group.tests);
    const runIds: string[] = [];
    for (const [run, failed] of byRun) {
      let count = 0;
      for (const test of failed) if (inGroup.has(test)) count++;
      if (count >= 2) runIds.push(runs[run]!.runId);
    }
    const testIds = group.tests.map((test) => tests[test]!.testId).sort();
    return { testIds, runIds, jaccard: group.jaccard, support: group.support, order: runIds.length };
  });
  groups.sort((a, b) => b.testIds.length - a.testIds.length || b.order - a.order || a.testIds[0]!.localeCompare(b.testIds[0]!));
  return groups.map(({ testIds, runIds, jaccard, support }, index) => ({
    id: `g${index + 1}`,
    testIds,
    runIds: orderedRunIds(runIds, runs),
    jaccard,
    support,
  }));
}

function orderedRunIds(runIds: string[], runs: Timelines['runs']): string[] {
  const wanted = new Set(runIds);
  return runs.filter((run) => wanted.has(run.runId)).map((run) => run.runId);
}
