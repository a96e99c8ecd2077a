import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Selection } from '../../src/model.js';
import type { SafetyCase } from './safety-case.js';
import { runSafetyCase, type SafetyOutcome } from './harness.js';
import { recordSafetyRow, safetyRow } from './safety-table.js';

/** Three real Jest runs, a listing and two selections, on two cores with other suites beside it. */
const CASE_TIMEOUT = 300_000;

/** What makes a selection unsafe for the broken tests: each one not selected, or selected with no reason. */
function safetyProblems(selection: Selection, broken: readonly string[]): string[] {
  const problems: string[] = [];
  for (const test of broken) {
    const decision = selection.tests.find((candidate) => candidate.path === test);
    if (!selection.runAll && !selection.selected.includes(test)) {
      const why =
        decision === undefined ? 'not a known test' : decision.reasons.map((reason) => `${reason.code}: ${reason.message}`).join('; ');
      problems.push(`${test} broke but was not selected (${why}); selected: [${selection.selected.join(', ')}]`);
    } else if (decision === undefined) {
      problems.push(`${test} broke and everything runs, but the analyzer does not list it as a test (so it carries no reason)`);
    } else if (!decision.selected || decision.reasons.length === 0) {
      problems.push(
        `${test} broke and is selected, but its decision says selected=${decision.selected} with ${decision.reasons.length} reasons`,
      );
    }
  }
  return problems;
}

function selectionOf(outcome: SafetyOutcome, mode: 'withMap' | 'withoutMap'): Selection {
  const selection = outcome[mode];
  if (selection instanceof Error) throw selection;
  return selection;
}

/**
 * One `describe` per case: run it end to end once (see {@link runSafetyCase}), then check that the
 * base passes and records a map, that the change breaks a test, and that the analyzer selects every
 * broken test with a reason, with the map and without it. Each finished case adds its row to the
 * safety table (`.tmp/safety-table.json`).
 *
 * @example
 * describeSafetyCases(CODE_PATH_CASES)
 */
export function describeSafetyCases(cases: readonly SafetyCase[]): void {
  describe.each(cases.map((safetyCase) => [safetyCase.id, safetyCase] as const))('safety case %s', (_id, safetyCase) => {
    let outcome: SafetyOutcome | undefined;
    const finished = (): SafetyOutcome => {
      if (outcome === undefined) throw new Error(`the case ${safetyCase.id} did not run (see the beforeAll error)`);
      return outcome;
    };

    beforeAll(async () => {
      outcome = await runSafetyCase(safetyCase);
      recordSafetyRow(safetyRow(outcome));
    }, CASE_TIMEOUT);
    afterAll(() => outcome?.remove());

    it('should pass every test at the base and record the map there', () => {
      const { base, baseOutput, mapRecorded } = finished();

      const failing = base.filter((suite) => !suite.passed).map((suite) => `${suite.path}: ${suite.message}`);
      expect({ failing, ran: base.length > 0 ? 'some' : baseOutput }).toEqual({ failing: [], ran: 'some' });
      expect(mapRecorded).toBe(true);
    });

    it(`should break at least one test at the head (${safetyCase.title})`, () => {
      expect(finished().broken).not.toEqual([]);
    });

    it.each(['withMap', 'withoutMap'] as const)('should select every broken test with a reason (%s)', (mode) => {
      const { broken } = finished();

      const problems = safetyProblems(selectionOf(finished(), mode), broken);

      expect(problems).toEqual([]);
    });

    const mustCite = safetyCase.mustCite;
    if (mustCite !== undefined) {
      // A reason only the recorded run can give (a child process) is asked of the selection with the map.
      const modes = mustCite.onlyWithMap === true ? (['withMap'] as const) : (['withMap', 'withoutMap'] as const);
      it.each(modes)(`should give the reason ${mustCite.code} (%s)`, (mode) => {
        const selection = selectionOf(finished(), mode);

        const codes =
          mustCite.test === 'runAll'
            ? selection.runAllReasons.map((reason) => reason.code)
            : (selection.tests.find((decision) => decision.path === mustCite.test)?.reasons.map((reason) => reason.code) ?? []);

        expect(codes).toContain(mustCite.code);
      });
    }
  });
}
