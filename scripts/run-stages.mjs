/**
 * Runs the stages of `npm test` (everything CI checks) or `npm run test:quick` (the day-to-day
 * loop) one after the other, stops at the first failure, and prints one line per stage with its
 * duration at the end, so a slow stage shows.
 *
 * @example
 * node scripts/run-stages.mjs full
 * node scripts/run-stages.mjs quick
 * node scripts/run-stages.mjs full --from smoke   # resume at a stage
 */
import { spawnSync } from 'node:child_process';

const npmStage = (name, script, env = {}) => ({ name, command: ['npm', 'run', '--silent', script], env });

/**
 * The support desk once more on the real servers `.ci/run` starts: PostgreSQL (a database of its own)
 * through DATABASE_URL and NATS JetStream through NATS_URL. Without them (a contributor's machine),
 * the `support-desk mock` stage alone runs it, on the embedded defaults (PGlite, the PostgreSQL outbox).
 */
const SUPPORT_DESK_ON_REAL_SERVERS =
  process.env.SUPPORT_DESK_DATABASE_URL && process.env.PROVING_GROUND_NATS_URL
    ? [
        npmStage('support-desk on PostgreSQL and NATS', 'test:example:mock', {
          DATABASE_URL: process.env.SUPPORT_DESK_DATABASE_URL,
          NATS_URL: process.env.PROVING_GROUND_NATS_URL,
        }),
      ]
    : [];

/** Every stage of `npm test`, in order. */
const FULL = [
  npmStage('build', 'build'),
  npmStage('typecheck', 'typecheck'),
  npmStage('lint', 'lint'),
  npmStage('format', 'format:check'),
  npmStage('manifests', 'check:manifests'),
  npmStage('publint', 'check:publint'),
  npmStage('docs', 'check:docs'),
  npmStage('api', 'check:api'),
  npmStage('errors', 'check:errors'),
  npmStage('declarations', 'check:declarations'),
  // The package suites record the impact analyzer's map (IMPACT_RECORD) for its shadow mode next.
  npmStage('packages (Node 24)', 'test:packages', { IMPACT_RECORD: '1' }),
  { name: 'impact shadow', command: ['node', 'scripts/impact-shadow.mjs'], env: {} },
  npmStage('packages (Node 22)', 'test:node22'),
  npmStage('smoke', 'test:smoke'),
  npmStage('support-desk mock', 'test:example:mock'),
  ...SUPPORT_DESK_ON_REAL_SERVERS,
  npmStage('support-desk golden', 'test:example:golden'),
  npmStage('support-desk live_smoke', 'test:example:live'),
  npmStage('support-desk cassettes lint', 'test:example:cassettes'),
];

/** The day-to-day loop: build, type check, lint what changed, the fast unit projects, the support desk in mock. */
const QUICK = [
  npmStage('build', 'build'),
  npmStage('typecheck', 'typecheck'),
  npmStage('lint', 'lint:quick'),
  npmStage('unit tests', 'test:unit'),
  npmStage('support-desk mock', 'test:example:mock'),
];

function format(ms) {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function main(argv) {
  const plan = argv[0] === 'quick' ? QUICK : argv[0] === 'full' || argv[0] === undefined ? FULL : undefined;
  if (plan === undefined) {
    console.error(`[stages] Failed to start: unknown plan "${argv[0]}". Use "full" (npm test) or "quick" (npm run test:quick).`);
    return 2;
  }
  const fromIndex = argv.indexOf('--from');
  const from = fromIndex === -1 ? undefined : argv[fromIndex + 1];
  const start = from === undefined ? 0 : plan.findIndex((stage) => stage.name.startsWith(from));
  if (start === -1) {
    console.error(`[stages] Failed to resume: no stage starts with "${from}". Stages: ${plan.map((stage) => stage.name).join(', ')}.`);
    return 2;
  }
  const done = [];
  let failed;
  const began = Date.now();
  for (const stage of plan.slice(start)) {
    console.log(`\n[stages] ${stage.name}: ${stage.command.join(' ')}`);
    const startedAt = Date.now();
    const result = spawnSync(stage.command[0], stage.command.slice(1), { stdio: 'inherit', env: { ...process.env, ...stage.env } });
    const ms = Date.now() - startedAt;
    done.push({ name: stage.name, ms, ok: result.status === 0 });
    if (result.status !== 0) {
      failed = stage;
      break;
    }
  }
  const width = Math.max(...done.map((stage) => stage.name.length));
  console.log('\n[stages] Durations:');
  for (const stage of done) console.log(`  ${stage.ok ? 'ok  ' : 'FAIL'}  ${stage.name.padEnd(width)}  ${format(stage.ms)}`);
  console.log(`  total ${format(Date.now() - began)}`);
  if (failed !== undefined) {
    console.error(
      `[stages] Failed at "${failed.name}". Fix it, then resume with: node scripts/run-stages.mjs ${argv[0] ?? 'full'} --from "${failed.name}"`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
