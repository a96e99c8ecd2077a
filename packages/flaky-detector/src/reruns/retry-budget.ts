import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The retries of one run, shared by every Jest worker: each retry takes a numbered slot by creating
 * its file with `O_EXCL` (`wx`), which the file system grants to one process only, so the workers
 * together never take more than `size` retries, with no lock and no daemon. A worker that dies holds
 * no slot it has not used.
 *
 * @example
 * const budget = new RetryBudget('/tmp/run/retry-budget', 20);
 * if (budget.take()) { ...retry... }
 */
export class RetryBudget {
  /** Slots below this one are known taken (by this or another worker): the search starts here. */
  private next = 0;

  constructor(
    private readonly dir: string,
    readonly size: number,
  ) {}

  /** Take one retry; false when every slot is taken. */
  take(): boolean {
    while (this.next < this.size) {
      const slot = this.next++;
      try {
        closeSync(openSync(join(this.dir, `slot-${slot}`), 'wx'));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return false;
  }

  /** Retries taken so far by every worker. */
  taken(): number {
    return readdirSync(this.dir).filter((name) => name.startsWith('slot-')).length;
  }
}

/**
 * Time spent on early-detection runs in one run, across workers: each worker keeps its own total in
 * its own file, and a worker may start another run while the sum of all totals plus that run's
 * expected duration stays within the budget. Workers read each other's totals without a lock, so
 * two workers deciding at once may overshoot by at most one run each (documented).
 *
 * @example
 * const time = new SharedTimeBudget('/tmp/run/early-detection-time', 30_000, process.pid);
 * if (time.allows(120)) { ...run...; time.spend(118) }
 */
export class SharedTimeBudget {
  private own = 0;

  constructor(
    private readonly dir: string,
    readonly budgetMs: number,
    private readonly worker: string | number,
  ) {}

  /** Whether a run expected to take `expectedMs` fits in what is left. */
  allows(expectedMs: number): boolean {
    let spent = 0;
    for (const name of readdirSync(this.dir)) {
      const value = Number(readFileSync(join(this.dir, name), 'utf8'));
      if (Number.isFinite(value)) spent += value;
    }
    return spent + expectedMs <= this.budgetMs;
  }

  /** Count `ms` as spent by this worker. */
  spend(ms: number): void {
    this.own += ms;
    writeFileSync(join(this.dir, String(this.worker)), String(Math.round(this.own)));
  }
}
