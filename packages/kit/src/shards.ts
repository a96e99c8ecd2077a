/** Something to place in a shard: its path and its cost (expected milliseconds). */
export interface ShardCost {
  path: string;
  cost: number;
}

/**
 * `items` split into `count` shards, longest processing time first: items are taken by cost,
 * highest first (ties by path), and each goes to the shard with the least total so far (ties to the
 * lowest shard). Only paths and costs decide, so every CI job that reads the same costs computes
 * the same shards. Each shard lists its paths in the order they were placed (highest cost first).
 *
 * @example
 * packLongestFirst([{ path: 'a', cost: 900 }, { path: 'b', cost: 300 }, { path: 'c', cost: 500 }], 2)
 * // [['a'], ['c', 'b']]
 */
export function packLongestFirst(items: readonly ShardCost[], count: number): string[][] {
  const ordered = [...items].sort((a, b) => b.cost - a.cost || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const shards = Array.from({ length: count }, () => ({ total: 0, paths: [] as string[] }));
  for (const item of ordered) {
    let least = shards[0]!;
    for (const shard of shards) if (shard.total < least.total) least = shard;
    least.paths.push(item.path);
    least.total += item.cost;
  }
  return shards.map((shard) => shard.paths);
}
