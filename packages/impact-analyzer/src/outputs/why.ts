import { basename } from 'node:path';
import { describeChoice } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { ChainStep, Reason, Selection } from '../model.js';

/**
 * A reason's chain in words, changed file first, each later file with how it refers to the one
 * before when the reason says (`steps`).
 *
 * @example
 * formatChain(['src/a.ts', 'src/index.ts', 'test/a.test.ts'], [{ kind: 'export-from', specifier: './a' }, { kind: 'import', specifier: '../src' }])
 * // 'src/a.ts → src/index.ts (export-from "./a") → test/a.test.ts (import "../src")'
 */
export function formatChain(chain: readonly string[], steps?: readonly ChainStep[]): string {
  return chain
    .map((file, index) => {
      const step = index === 0 ? undefined : steps?.[index - 1];
      return step === undefined ? file : `${file} (${step.kind} ${JSON.stringify(step.specifier)})`;
    })
    .join(' → ');
}

function describeReason(reason: Reason): string[] {
  const lines = [`  - [${reason.code}] ${reason.message}`];
  if (reason.chain !== undefined && reason.chain.length > 1) lines.push(`      ${formatChain(reason.chain, reason.steps)}`);
  return lines;
}

function unknownTest(selection: Selection, testPath: string): ImpactError {
  const paths = selection.tests.map((test) => test.path);
  const sameName = paths.filter((path) => basename(path) === basename(testPath));
  const suggestion =
    sameName.length > 0 && sameName.length <= 5
      ? `${JSON.stringify(testPath)} (did you mean ${sameName.map((path) => JSON.stringify(path)).join(' or ')}?)`
      : describeChoice(testPath, paths);
  return new ImpactError('IMPACT_UNKNOWN_TEST', {
    action: `explain the decision for ${JSON.stringify(testPath)}`,
    reason: `there is no test file ${suggestion} among the ${paths.length} the analyzer knows`,
    fix: 'Give the path of a test file relative to the repository root (or to the current folder).',
  });
}

/**
 * Why `testPath` (repository-relative) runs or is skipped for this selection: each reason with the
 * chain of files from the changed file to the test, or what makes everything run. Throws
 * `IMPACT_UNKNOWN_TEST`, with the nearest known test, for a path that is no known test file.
 *
 * @example
 * formatWhy(selection, 'test/a.test.ts')
 * // 'test/a.test.ts runs:\n  - [static-dependency] It depends on src/a.ts …\n      src/a.ts → src/index.ts (export-from "./a") → test/a.test.ts'
 */
export function formatWhy(selection: Selection, testPath: string): string {
  const decision = selection.tests.find((test) => test.path === testPath);
  if (decision === undefined) throw unknownTest(selection, testPath);
  if (!decision.selected) {
    return [`${testPath} is skipped:`, ...decision.reasons.flatMap(describeReason)].join('\n');
  }
  // Compared by content: a selection read from its file holds copies, not the same objects.
  const own = decision.reasons.filter(
    (reason) => !selection.runAllReasons.some((runAll) => runAll.code === reason.code && runAll.message === reason.message),
  );
  const lines = [
    `${testPath} runs${decision.failureScore === undefined ? '' : ` (predicted failure likelihood ${Math.round(decision.failureScore * 100)}%)`}:`,
  ];
  lines.push(...own.flatMap(describeReason));
  if (selection.runAll) {
    lines.push(own.length > 0 ? 'Everything runs anyway, because:' : 'Everything runs, because:');
    lines.push(...selection.runAllReasons.flatMap(describeReason));
  }
  return lines.join('\n');
}
