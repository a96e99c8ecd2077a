// Synthetic suites with known truth: each test's kind (stable, flaky with probability p, broken
// from a run on, one half of an order-dependent pair, slowed down, renamed) and the attempts it
// makes in each simulated run. Everything comes from one seeded PRNG, so a seed replays a suite.

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A suite from a scenario: `{ files, testsPerFile, flaky: [{ p, count }], broken, orderPairs,
 * slowdowns, renames, runs, newCommitShare, retries }`. Returns the tests with their truth.
 */
export function generateSuite(scenario, seed) {
  const random = prng(seed);
  const tests = [];
  for (let f = 0; f < scenario.files; f++) {
    for (let t = 0; t < scenario.testsPerFile; t++) {
      tests.push({
        file: `src/area-${f}/feature-${f}.test.js`,
        name: `feature ${f} case ${t}`,
        kind: 'stable',
        p: 0,
        baseMs: Math.round(2 + random() ** 3 * 400),
      });
    }
  }
  const shuffled = [...tests].sort(() => random() - 0.5);
  let next = 0;
  const take = () => shuffled[next++];
  for (const { p, count } of scenario.flaky) {
    for (let i = 0; i < count; i++) Object.assign(take(), { kind: 'flaky', p });
  }
  for (let i = 0; i < scenario.broken; i++) {
    Object.assign(take(), { kind: 'broken', brokenFrom: Math.floor(scenario.runs * (0.3 + 0.6 * random())) });
  }
  for (let i = 0; i < scenario.orderPairs; i++) {
    const polluter = take();
    const victim = take();
    Object.assign(victim, { kind: 'order-dependent', after: polluter });
  }
  for (let i = 0; i < scenario.slowdowns; i++) {
    Object.assign(take(), { slowFrom: Math.floor(scenario.runs * (0.4 + 0.5 * random())), slowFactor: 1.5 + random() });
  }
  for (let i = 0; i < scenario.renames; i++) {
    const test = shuffled[Math.floor(random() * next)]; // rename tests of any kind, flaky ones included
    if (test.renameAt === undefined) test.renameAt = Math.floor(scenario.runs * (0.2 + 0.6 * random()));
  }
  return { tests, random };
}

/** The commit of each run: a new one with probability `newCommitShare`, else the previous one again (a rerun). */
export function commitsOf(scenario, random) {
  const commits = [];
  let commit = 0;
  for (let run = 0; run < scenario.runs; run++) {
    if (run === 0 || random() < scenario.newCommitShare) commit++;
    commits.push(`c${String(commit).padStart(5, '0')}`);
  }
  return commits;
}

/**
 * Move each broken test's first failing run to the first run of a new commit at or after it: a
 * regression comes with a change (a test that starts failing on the same commit is flaky by definition).
 */
export function alignBreaks(suite, commits) {
  for (const test of suite.tests) {
    if (test.kind !== 'broken') continue;
    let run = Math.max(1, test.brokenFrom);
    while (run < commits.length && commits[run] === commits[run - 1]) run++;
    test.brokenFrom = run;
  }
}

/** A test's name in a run (renamed tests get a new name, hence a new id, from `renameAt` on). */
export function nameIn(test, run) {
  return test.renameAt !== undefined && run >= test.renameAt ? `${test.name} (renamed)` : test.name;
}

/**
 * One run: for every test, its attempts `[{ status, durationMs }]`. A failed test is retried up to
 * `scenario.retries` times. An order-dependent test fails when its polluter ran before it in the
 * run's random order.
 */
export function simulateRun(suite, scenario, run, random) {
  const order = new Map(suite.tests.map((test) => [test, random()]));
  const results = [];
  for (const test of suite.tests) {
    let failChance = 0;
    if (test.kind === 'flaky') failChance = test.p;
    if (test.kind === 'broken' && run >= test.brokenFrom) failChance = 1;
    const attempts = [];
    for (let attempt = 0; attempt <= scenario.retries; attempt++) {
      const orderFails = test.kind === 'order-dependent' && attempt === 0 && order.get(test.after) < order.get(test);
      const failed = orderFails || random() < failChance;
      const slow = test.slowFrom !== undefined && run >= test.slowFrom ? test.slowFactor : 1;
      const durationMs = Math.max(1, Math.round(test.baseMs * slow * (0.9 + 0.2 * random())));
      attempts.push({ status: failed ? 'failed' : 'passed', durationMs });
      if (!failed) break;
    }
    results.push({ test, attempts });
  }
  return results;
}
