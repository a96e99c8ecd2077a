// Duration-aware shards against Jest's default sharding on the same suite: the slowest of 4 shards
// divided by the mean shard (1.0 is a perfect split). Jest's side is the real @jest/test-sequencer
// shard() (a hash of each path); ours is the same partition the sequencer computes. The suite:
// 200 test files with long-tailed durations (most files short, a few long), several seeds; the run
// measured takes each file +-20 % of its recorded duration.
// `node flaky-detector/scoring-shards.bench.mjs` after `npm run build -w packages/flaky-detector`.
import { createRequire } from 'node:module';
import { partitionByDuration } from '@proving-ground/flaky-detector';

const require = createRequire(import.meta.url);
const TestSequencer = require('@jest/test-sequencer').default;
const SHARDS = 4;

function suite(seed, files) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: files }, (_, index) => ({
    path: `/repo/src/module-${index}/feature-${index}.test.ts`,
    // Log-normal-ish: median about 400 ms, a tail into tens of seconds.
    durationMs: Math.round(400 * Math.exp(1.2 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random()))),
  }));
}

const ratio = (loads) => Math.max(...loads) / (loads.reduce((sum, load) => sum + load, 0) / loads.length);

const sequencer = new TestSequencer({ contexts: [], globalConfig: { rootDir: '/repo' } });
console.log(`| seed | files | longest file / mean shard | ours: slowest / mean | Jest default: slowest / mean |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const [seed, files] of [
  [1, 200],
  [2, 200],
  [3, 200],
  [4, 60],
  [5, 500],
]) {
  const items = suite(seed, files);
  const byPath = new Map(items.map((item) => [item.path, item.durationMs]));
  const total = items.reduce((sum, item) => sum + item.durationMs, 0);
  // The partition is made from recorded durations; the run that follows takes each file +-20 % of that.
  let state = seed * 7919;
  const jitter = () => 0.8 + 0.4 * ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const [path, ms] of byPath) byPath.set(path, ms * jitter());
  const ours = partitionByDuration(items, SHARDS).map((paths) => paths.reduce((sum, path) => sum + byPath.get(path), 0));
  const jest = [];
  for (let shardIndex = 1; shardIndex <= SHARDS; shardIndex++) {
    const tests = items.map((item) => ({ path: item.path, context: { config: { rootDir: '/repo' } } }));
    jest.push(sequencer.shard(tests, { shardIndex, shardCount: SHARDS }).reduce((sum, test) => sum + byPath.get(test.path), 0));
  }
  const longest = Math.max(...items.map((item) => item.durationMs)) / (total / SHARDS);
  console.log(`| ${seed} | ${files} | ${longest.toFixed(2)} | ${ratio(ours).toFixed(3)}x | ${ratio(jest).toFixed(3)}x |`);
}
