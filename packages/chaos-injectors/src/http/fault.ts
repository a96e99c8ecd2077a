import { listOptionProblems, maskUrlCredentials } from '@proving-ground/kit';
import type { FaultHandle } from '../cleanup/registry.js';
import type { Random } from '../random.js';
import { checkArgument, invalidFault, scheduleChecks, type ScheduleState } from './schedule.js';
import type { RequestFacts } from './target.js';

/** The faults an HTTP fault can be. */
export type HttpFaultKind =
  'latency' | 'hang' | 'reset' | 'refuse' | 'dnsFailure' | 'status' | 'truncate' | 'trickle' | 'malformedJson' | 'cutStream';

/** What a fault's action gets to act on a request: the guard's request handler arguments. */
export interface FaultContext {
  request: Request;
  url: URL;
  controller: { respondWith(response: Response): void; errorWith(reason?: unknown): void };
  forward(): Promise<Response>;
  /** Resolves when this fault is restored, so a hanging request can be let go. */
  released: Promise<void>;
}

/** What a fault did: answered the request (no later fault or handler sees it), or let it go on (latency). */
export type FaultOutcome = 'answered' | 'passed';

/**
 * One HTTP fault, active from the moment it was added: chain its schedule (`probability`, `times`,
 * `after`, `nth`, `during`), read what it did (`matched`, `fired`), and restore it with `await using`
 * or `restore()` (the setup entry restores it after the test and fails a test that left it active).
 *
 * @example
 * await using fault = faults.on({ method: 'POST' }).status(503).times(2).thenPass()
 */
export interface HttpFault extends AsyncDisposable {
  /** What the fault does. */
  readonly fault: HttpFaultKind;
  /** The fault and its target in words, as the timeline prints it. */
  readonly target: string;
  /** The seed its random stream came from. */
  readonly seed: string;
  /** True until the fault is restored. */
  readonly active: boolean;
  /** How many requests its target matched while it was active. */
  readonly matched: number;
  /** How many requests it faulted. */
  readonly fired: number;
  /** Fault an eligible request with probability `p` (0 to 1), rolled from the fault's seeded stream. */
  probability(p: number): this;
  /** Fault at most `n` requests, then let every request pass (`times(2).thenPass()`: fail twice, then succeed). */
  times(n: number): this;
  /** Reads as the end of a schedule (`times(2).thenPass()`); requests pass once the schedule is done. */
  thenPass(): this;
  /** Let the first `n` matching requests through. */
  after(n: number): this;
  /** Fault only the matching requests at these positions (1 is the first). */
  nth(...positions: number[]): this;
  /** Fault only within a time window, in ms from when the fault was added: `{ from: 100, until: 2000 }`. */
  during(window: { from?: number; until?: number }): this;
  /** Stop the fault (again is a no-op); a request it holds (`hang`) fails with `read ECONNRESET`. */
  restore(): Promise<void>;
}

/** The action of a fault on a request it fires on. */
export type FaultAction = (context: FaultContext) => FaultOutcome | Promise<FaultOutcome>;

/** @internal An HTTP fault and the state its guard handler reads. */
export class ActiveHttpFault implements HttpFault {
  readonly fault: HttpFaultKind;
  readonly target: string;
  readonly seed: string;
  matched = 0;
  fired = 0;
  private readonly schedule: ScheduleState;
  private readonly started = performance.now();
  private readonly release: { promise: Promise<void>; resolve: () => void };
  private handle: FaultHandle | undefined;

  constructor(
    fault: HttpFaultKind,
    target: string,
    private readonly matches: (facts: RequestFacts) => boolean,
    private readonly random: Random,
    readonly action: FaultAction,
    schedule: ScheduleState,
  ) {
    this.fault = fault;
    this.target = target;
    this.seed = random.seed;
    this.schedule = schedule;
    let resolve = (): void => undefined;
    const promise = new Promise<void>((done) => (resolve = done));
    this.release = { promise, resolve };
  }

  /** @internal Joins the registry: from now on the fault is restored with the others. */
  attach(handle: FaultHandle): void {
    this.handle = handle;
  }

  get active(): boolean {
    return this.handle?.active ?? false;
  }

  /** @internal Resolves when the fault is restored. */
  get released(): Promise<void> {
    return this.release.promise;
  }

  /** @internal Called by the registry when the fault is restored. */
  onRestore(): void {
    this.release.resolve();
  }

  /** @internal Whether the fault fires on this request (counting it and rolling its probability). */
  firesOn(facts: RequestFacts): boolean {
    if (!this.matches(facts)) return false;
    const position = ++this.matched;
    const { probability, times, after, nth, window } = this.schedule;
    if (position <= after || (nth !== undefined && !nth.has(position)) || this.fired >= times) return false;
    const elapsed = performance.now() - this.started;
    if (elapsed < window.from || elapsed >= window.until) return false;
    if (!this.random.chance(probability)) return false;
    this.fired++;
    return true;
  }

  /** @internal Records the request it fired on in the timeline. */
  recordFired(request: Request): void {
    this.handle?.record(`${this.fault} ${request.method} ${maskUrlCredentials(request.url)}`);
  }

  probability(p: number): this {
    checkArgument('probability(p)', 'p', p, scheduleChecks.probability);
    this.schedule.probability = p;
    return this;
  }

  times(n: number): this {
    checkArgument('times(n)', 'n', n, scheduleChecks.count);
    this.schedule.times = n;
    return this;
  }

  thenPass(): this {
    return this;
  }

  after(n: number): this {
    checkArgument('after(n)', 'n', n, scheduleChecks.after);
    this.schedule.after = n;
    return this;
  }

  nth(...positions: number[]): this {
    if (positions.length === 0)
      invalidFault('set nth(...positions)', ['- positions: give at least one (1 is the first matching request).']);
    positions.forEach((position, index) => checkArgument('nth(...positions)', `positions[${index}]`, position, scheduleChecks.count));
    this.schedule.nth = new Set(positions);
    return this;
  }

  during(window: { from?: number; until?: number }): this {
    const from = window.from ?? 0;
    const until = window.until ?? Infinity;
    const problems = listOptionProblems(window, { from: scheduleChecks.ms, until: scheduleChecks.ms });
    if (problems.length === 0 && until <= from) problems.push(`- until: expected it after from (${from} ms), got ${until} ms.`);
    if (problems.length > 0) invalidFault('set during({ from, until })', problems);
    this.schedule.window = { from, until };
    return this;
  }

  restore(): Promise<void> {
    return this.handle?.restore() ?? Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.restore();
  }
}
