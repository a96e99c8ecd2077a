import { openHistoryStore, pushToPushgateway, runMetrics } from '@proving-ground/flaky-detector';

/** Push the latest run of the history in `storePath` to the Pushgateway at `pushgatewayUrl`. */
export async function pushLatestRun(storePath: string, pushgatewayUrl: string): Promise<string> {
  await using store = await openHistoryStore({ path: storePath });
  const { runs, attempts } = await store.history({ lastRuns: 1 });
  const latest = runs.at(-1);
  if (latest === undefined) return 'no run recorded yet';

  const metrics = runMetrics(latest, attempts, { granularity: 'file' });
  const pushed = await pushToPushgateway(metrics, { url: pushgatewayUrl, job: 'unit-tests', grouping: { branch: 'main' } });
  return `pushed ${pushed.samples} samples to ${pushed.url}`;
}
