/** Real servers the suites can use, each found through an environment variable `.ci/run` sets. */
const SERVICES = {
  postgres: {
    env: 'PROVING_GROUND_POSTGRES_URL',
    what: 'a PostgreSQL server',
    how: '`export PROVING_GROUND_POSTGRES_URL="$(bash scripts/start-postgres.sh)"` (Debian\'s postgresql package)',
  },
  prometheus: {
    env: 'PROVING_GROUND_PROMETHEUS_URL',
    what: 'a Prometheus server scraping a Pushgateway',
    how: '`eval "$(bash scripts/start-prometheus.sh)"` (Debian\'s prometheus and prometheus-pushgateway packages)',
  },
  pushgateway: {
    env: 'PROVING_GROUND_PUSHGATEWAY_URL',
    what: 'a Prometheus Pushgateway',
    how: '`eval "$(bash scripts/start-prometheus.sh)"` (Debian\'s prometheus and prometheus-pushgateway packages)',
  },
} as const;

/** A real server for a test: its URL, or why the test is skipped. */
export type RealService = { url: string; skipReason?: undefined } | { url?: undefined; skipReason: string };

/**
 * The real server `name` for a test, when there is one. On a developer's machine without it, the
 * reason to put in the skipped test's title; in CI (`CI` set), a missing server is an error, so a
 * CI run never passes by skipping what it was meant to prove.
 *
 * @example
 * const postgres = realService('postgres');
 * (postgres.url === undefined ? it.skip : it)(`should ... ${postgres.skipReason ?? ''}`, async () => { ... });
 */
export function realService(name: keyof typeof SERVICES): RealService {
  const service = SERVICES[name];
  const url = process.env[service.env];
  if (url !== undefined && url !== '') return { url };
  const reason = `${service.what} is missing: set ${service.env}; start one with ${service.how}`;
  if (process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
    throw new Error(`[test-kit] Failed to find ${service.what} in CI: ${service.env} is not set. .ci/run starts it; check its output.`);
  }
  return { skipReason: `(skipped: ${reason})` };
}
