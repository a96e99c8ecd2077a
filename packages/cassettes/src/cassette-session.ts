import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { networkGuard, type InterceptedRequest } from '@proving-ground/test-modes';
import { readCassette, writeCassetteAtomically } from './cassette-store.js';
import { CassettesError } from './errors.js';
import { CASSETTE_VERSION, formatCassetteJson, type Cassette, type Interaction, type RecordedRequest } from './format.js';
import { estimateCost, readUsage, type CassetteCost, type ModelPrice } from './llm-usage.js';
import { diffShapes, requestKey, requestShape, similarity, type MatchOptions, type RequestShape } from './matching.js';
import { suggestIgnore } from './ignore-suggestion.js';
import { parseDuration, type CassetteMode, type CassetteOptions } from './options.js';
import { recordLiveRequest, recordResponse, teeForRecording, type CaptureSettings } from './recording.js';
import { Redactor } from './redaction/redactor.js';
import { withGlobalAliases } from './origin-aliases.js';
import { replayResponse, type OpenReplay } from './replay.js';
import { testFileReference } from './internal/test-file-reference.js';
import { prefixed } from './internal/prefix.js';
import { jestCommand } from '@proving-ground/kit';

/** Unused interactions named in a message; the rest are counted (a long cassette would flood the test output). */
const MAX_LISTED_UNUSED = 10;

const RECORDED_WITH = '@proving-ground/cassettes';

/** What a finished cassette session reports to the test. */
export interface SessionOutcome {
  errors: Error[];
  warnings: string[];
  written: boolean;
}

interface Candidate {
  interaction: Interaction;
  shape: RequestShape;
  key: string;
  used: boolean;
}

/**
 * One cassette in use by one test (or one `withCassette` call): replays what it holds, records what
 * it may, and at the end writes, reports unused interactions and fails what must fail.
 */
export class CassetteSession {
  readonly path: string;
  readonly mode: CassetteMode;
  readonly options: CassetteOptions;
  /** The test that owns the cassette: its file (an absolute path) and its full name. */
  readonly test: { path: string; name: string } | undefined;
  readonly #settings: CaptureSettings;
  readonly #match: MatchOptions;
  #loaded = false;
  #existing: Cassette | undefined;
  #candidates: Candidate[] = [];
  /** This run's interactions in request order; slots are reserved when a request starts recording. */
  readonly #recorded: (Interaction | undefined)[] = [];
  readonly #pending = new Set<Promise<void>>();
  /** How to stop each recording in flight (a response still open when the session ends), and the request it answers. */
  readonly #stops = new Map<Promise<void>, { stop: AbortController; request: string }>();
  readonly #errors: Error[] = [];
  readonly #warnings: string[] = [];
  readonly #openReplays = new Set<OpenReplay>();
  readonly #occurrences = new Map<string, number>();
  /** Interaction ids in use: those kept from the cassette and those given in this run. */
  readonly #ids = new Set<string>();

  constructor(path: string, mode: CassetteMode, options: CassetteOptions = {}, test?: { path: string; name: string }) {
    this.path = path;
    this.mode = mode;
    this.options = options;
    this.test = test;
    this.#match = options.match ?? {};
    this.#settings = {
      redactor: new Redactor(options.redact),
      aliases: withGlobalAliases(
        new Map(Object.entries(options.aliases ?? {}).map(([from, to]) => [new URL(from).origin, to.replace(/\/$/, '')])),
      ),
      dropHeaders: options.dropHeaders ?? [],
      normalize: options.normalize,
    };
  }

  /** Whether this session handles a request to `url` (the `hosts` option, checked after aliasing). */
  takes(url: string): boolean {
    const hosts = this.options.hosts;
    if (hosts === undefined) return true;
    const aliased = new URL(this.#settings.aliases.get(new URL(url).origin) ?? url);
    return hosts.some((host) =>
      URL.canParse(host) ? new URL(host).origin === aliased.origin : host.toLowerCase() === aliased.hostname.toLowerCase(),
    );
  }

  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    // Read even when re-recording everything: a corrupt or newer cassette is refused, never overwritten silently.
    this.#existing = readCassette(this.path, this.#shownPath());
    if (this.#existing === undefined || this.mode === 'record-all') return;
    for (const interaction of this.#existing.interactions) this.#ids.add(interaction.id);
    const maxAge = parseDuration(this.options.maxAge);
    const age = Date.now() - Date.parse(this.#existing.recordedAt);
    if (maxAge !== undefined && age > maxAge) {
      const recorded = `recorded ${describeAge(age)} ago (${this.#existing.recordedAt}), beyond maxAge ${String(this.options.maxAge)}`;
      const fix = 'Re-record it with TEST_MODE=live_smoke TEST_RECORD=all.';
      if (this.options.onExpired === 'fail') {
        this.#errors.push(
          new CassettesError('CASSETTES_EXPIRED', { action: `replay cassette ${this.#shownPath()}`, reason: `it was ${recorded}`, fix }),
        );
      } else this.#warnings.push(prefixed(`Cassette ${this.#shownPath()} was ${recorded}. ${fix}`));
    }
    this.#candidates = this.#existing.interactions.map((interaction) => {
      const shape = requestShape(interaction.request, this.#match);
      return { interaction, shape, key: requestKey(shape), used: false };
    });
  }

  #shownPath(): string {
    return relative(process.cwd(), this.path) || this.path;
  }

  /** Answer an intercepted request: replay it, record it, or fail it. */
  async handle(intercepted: InterceptedRequest): Promise<void> {
    const { request, controller } = intercepted;
    const forward = (forwarded?: Request): Promise<Response> => intercepted.forward(forwarded);
    let recorded: RecordedRequest;
    // One redaction scope per interaction: short secrets of this request are redacted in its response only.
    const settings: CaptureSettings = { ...this.#settings, redactor: this.#settings.redactor.scope() };
    try {
      this.#load();
      recorded = await recordLiveRequest(request, settings);
    } catch (error) {
      this.#errors.push(error as Error);
      controller.errorWith(error);
      return;
    }
    const shape = requestShape(recorded, this.#match);
    const key = requestKey(shape);
    if (this.mode !== 'record-all') {
      const found = this.#find(recorded, shape, key);
      if (found !== undefined) {
        const guard = networkGuard();
        controller.respondWith(
          replayResponse(
            found.interaction.response,
            this.options.replaySpeed,
            (open) => this.#trackOpen(open),
            (loss) => guard.connectionLost(loss),
          ),
        );
        return;
      }
      if (this.mode === 'replay') {
        const error = this.#unmatched(recorded, shape);
        this.#errors.push(error);
        controller.errorWith(error);
        return;
      }
    }
    await this.#record(request, recorded, key, controller, forward, settings);
  }

  #trackOpen(open: OpenReplay): () => void {
    this.#openReplays.add(open);
    return () => this.#openReplays.delete(open);
  }

  #find(recorded: RecordedRequest, shape: RequestShape, key: string): Candidate | undefined {
    const custom = this.#match.matcher;
    const same = this.#candidates.filter((candidate) =>
      custom === undefined ? candidate.key === key : custom(recorded, candidate.interaction.request),
    );
    let found = same.find((candidate) => !candidate.used);
    if (found === undefined && this.#match.repeats === true) found = same.at(-1);
    if (found === undefined && this.#match.strategy === 'adaptive') {
      const threshold = this.#match.threshold ?? 0.8;
      const route = this.#candidates
        .filter((candidate) => candidate.shape.method === shape.method && candidate.shape.route === shape.route)
        .map((candidate) => ({ candidate, score: similarity(candidate.shape, shape) }))
        .filter(({ score }) => score >= threshold)
        .sort((a, b) => Number(a.candidate.used) - Number(b.candidate.used) || b.score - a.score)[0];
      if (route !== undefined) {
        found = route.candidate;
        const differences = diffShapes(found.shape, shape)
          .map((difference) => `${difference.path}: ${show(difference.recorded)} → ${show(difference.incoming)}`)
          .join('; ');
        this.#warnings.push(
          prefixed(
            `Replayed ${shape.method} ${recorded.url} from the nearest recording ${found.interaction.id} (similarity ${route.score.toFixed(2)}, adaptive matching) in ${this.#shownPath()}. Differences: ${differences}.`,
          ),
        );
      }
    }
    if (found !== undefined) found.used = true;
    return found;
  }

  #unmatched(recorded: RecordedRequest, shape: RequestShape): CassettesError {
    const sameRoute = this.#candidates
      .filter((candidate) => candidate.shape.method === shape.method && candidate.shape.route === shape.route)
      .map((candidate) => ({ candidate, differences: diffShapes(candidate.shape, shape) }))
      .sort((a, b) => a.differences.length - b.differences.length)
      .slice(0, 3);
    const where =
      this.#existing === undefined
        ? `no cassette exists at ${this.#shownPath()}`
        : `cassette ${this.#shownPath()} holds ${this.#candidates.length} interaction(s)`;
    const lines = ['', 'Request (secrets redacted):', `  ${recorded.method} ${recorded.url}`];
    for (const [name, value] of Object.entries(recorded.headers)) lines.push(`  ${name}: ${value}`);
    if (recorded.body !== undefined) lines.push(`  body: ${truncate(formatCassetteJson(recorded.body).replace(/\s+/g, ' '), 400)}`);
    if (sameRoute.length > 0) {
      lines.push('', `Closest recorded on ${shape.method} ${shape.route}:`);
      for (const { candidate, differences } of sameRoute) {
        lines.push(`  interaction ${candidate.interaction.id}${candidate.used ? ' (already used)' : ''}:`);
        for (const difference of differences.slice(0, 8))
          lines.push(`    ${difference.path}: recorded ${show(difference.recorded)}, got ${show(difference.incoming)}`);
        if (differences.length === 0)
          lines.push('    identical request, but every recording of it was already used (set match.repeats to replay it again)');
      }
    } else if (this.#candidates.length > 0) {
      lines.push(
        '',
        `Nothing is recorded for ${shape.method} ${shape.route}; recorded routes: ${[...new Set(this.#candidates.map((c) => `${c.shape.method} ${c.shape.route}`))].join(', ')}.`,
      );
    }
    const testFilter = this.test === undefined ? '' : ` -t ${JSON.stringify(this.test.name)}`;
    const testFile = this.test === undefined ? '' : ` ${relative(process.cwd(), this.test.path)}`;
    const suggestions = [`Re-record: TEST_MODE=live_smoke TEST_RECORD=missing ${jestCommand()}${testFile}${testFilter}`];
    const first = sameRoute[0]?.differences ?? [];
    const ignorable = suggestIgnore(first);
    if (ignorable !== undefined) suggestions.push(ignorable.text);
    suggestions.push('If the request is not meant for a cassette, leave it out with the hosts option, or answer it with an msw handler.');
    lines.push('', 'What to do:', ...suggestions.map((suggestion, index) => `  ${index + 1}. ${suggestion}`));
    return new CassettesError('CASSETTES_UNMATCHED_REQUEST', {
      action: `replay "${recorded.method} ${recorded.url}"${this.test === undefined ? '' : ` in test "${this.test.name}"`}`,
      reason: `no recorded interaction matches (${where})`,
      details: lines,
    });
  }

  async #record(
    request: Request,
    recorded: RecordedRequest,
    key: string,
    controller: InterceptedRequest['controller'],
    forward: InterceptedRequest['forward'],
    settings: CaptureSettings,
  ): Promise<void> {
    const slot = this.#recorded.length;
    this.#recorded.push(undefined);
    // Occurrences count the recordings of this request kept from the cassette too, so ids stay unique and stable.
    let occurrence = this.#occurrences.get(key) ?? this.#candidates.filter((candidate) => candidate.key === key).length;
    let id = interactionId(key, occurrence);
    while (this.#ids.has(id)) id = interactionId(key, (occurrence += 1));
    this.#occurrences.set(key, occurrence + 1);
    this.#ids.add(id);
    let response: Response;
    try {
      response = await forward(request);
    } catch (error) {
      controller.errorWith(error);
      return;
    }
    const startedAt = performance.now();
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#pending.add(done);
    const stop = new AbortController();
    this.#stops.set(done, { stop, request: `${recorded.method} ${recorded.url}` });
    const save = (chunks: Parameters<typeof recordResponse>[1], end: Parameters<typeof recordResponse>[2]): void => {
      try {
        const stored = recordResponse(response, chunks, end, settings);
        const usage = readUsage(recorded, stored);
        this.#recorded[slot] = { id, request: recorded, response: stored, ...(usage === undefined ? {} : { usage }) };
      } catch (error) {
        this.#errors.push(error as Error);
      } finally {
        this.#pending.delete(done);
        this.#stops.delete(done);
        settle();
      }
    };
    const guard = networkGuard();
    const body =
      response.body === null
        ? null
        : teeForRecording(response.body, startedAt, save, (error) => guard.connectionLossOf(error), stop.signal);
    if (body === null) save([], { kind: 'complete' });
    controller.respondWith(new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
  }

  /** Interactions recorded so far in this run (complete ones), in request order. */
  recordedInteractions(): Interaction[] {
    return this.#recorded.filter((interaction): interaction is Interaction => interaction !== undefined);
  }

  /** Token usage and estimated cost of what this session replayed and recorded (`prices` on top of the option's). */
  cost(prices?: Record<string, ModelPrice>): CassetteCost {
    this.#load();
    const used = this.#candidates.filter((candidate) => candidate.used).map((candidate) => candidate.interaction);
    return estimateCost([...used, ...this.recordedInteractions()], { ...this.options.prices, ...prices });
  }

  /**
   * End the session: wait for recordings in flight, write the cassette when recording (only if the
   * test passed, unless `recordOnFailure`), report unused interactions (errors when `strict`).
   */
  async finish(passed: boolean, graceMs = 5_000): Promise<SessionOutcome> {
    if (this.#pending.size > 0) {
      await Promise.race([Promise.all(this.#pending), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    // Responses still open after the grace period (a stream nobody read to its end) are kept as they
    // stand, ending as a client abort: replay then holds them open, as the server did.
    for (const [, { stop, request }] of this.#stops) {
      this.#warnings.push(
        prefixed(
          `Recorded "${request}" in ${this.#shownPath()} as aborted: its response was still open when the test ended, so only the part received by then is kept. Read the response to its end, or cancel its body, before the test ends.`,
        ),
      );
      stop.abort();
    }
    for (const open of this.#openReplays) {
      open.close(
        new CassettesError('CASSETTES_STREAM_LEFT_OPEN', {
          action: `replay a stream from ${this.#shownPath()}`,
          reason: 'it was left open when its test ended',
          fix: 'Read the response to its end, or cancel its body, before the test ends.',
        }),
      );
    }
    const errors = [...this.#errors];
    const warnings = [...this.#warnings];
    try {
      this.#load();
    } catch (error) {
      if (!errors.includes(error as Error)) errors.push(error as Error);
      return { errors, warnings, written: false };
    }
    const recording = this.mode === 'record-missing' || this.mode === 'record-all';
    if (this.mode === 'replay' && this.#existing !== undefined) {
      const problem = writeUsage(this.path, this.#candidates);
      if (problem !== undefined) warnings.push(problem);
    }
    const unused = this.mode === 'record-all' ? [] : this.#candidates.filter((candidate) => !candidate.used);
    if (unused.length > 0 && (this.mode === 'replay' || this.mode === 'record-missing')) {
      const shown = unused.slice(0, MAX_LISTED_UNUSED);
      const more = unused.length - shown.length;
      const list =
        shown.map((candidate) => `${candidate.interaction.id} ${candidate.shape.method} ${candidate.interaction.request.url}`).join('; ') +
        (more > 0 ? `; and ${more} more (npx proving-ground-cassettes lint --usage lists them all)` : '');
      const message = `${unused.length} recorded interaction(s) in ${this.#shownPath()} were not used${this.test === undefined ? '' : ` by test "${this.test.name}"`}: ${list}. Remove them by re-recording (TEST_MODE=live_smoke TEST_RECORD=all), or check that the test still makes these calls.`;
      if (this.options.strict === true) errors.push(new CassettesError('CASSETTES_UNUSED_INTERACTIONS', message));
      else warnings.push(prefixed(message));
    }
    const fresh = this.recordedInteractions();
    if (!recording || (fresh.length === 0 && this.mode !== 'record-all')) return { errors, warnings, written: false };
    if (!passed && this.options.recordOnFailure !== true) {
      if (fresh.length > 0)
        warnings.push(
          prefixed(
            `Nothing written to ${this.#shownPath()}: the test failed while recording (set recordOnFailure to keep such recordings).`,
          ),
        );
      return { errors, warnings, written: false };
    }
    if (errors.length > 0) return { errors, warnings, written: false };
    const interactions = this.mode === 'record-all' ? fresh : [...(this.#existing?.interactions ?? []), ...fresh];
    const previous = this.#existing;
    const test = this.test === undefined ? undefined : { file: testFileReference(this.path, this.test.path), name: this.test.name };
    const sameTraffic = previous !== undefined && sameContent(previous.interactions, interactions);
    // Unchanged traffic keeps the file as it is, unless its format or its test reference is out of date.
    if (sameTraffic && previous.version === CASSETTE_VERSION && previous.test?.file === test?.file && previous.test?.name === test?.name) {
      return { errors, warnings, written: false };
    }
    const cassette: Cassette = {
      version: CASSETTE_VERSION,
      recordedAt: sameTraffic ? previous.recordedAt : new Date().toISOString(),
      recordedWith: RECORDED_WITH,
      ...(test === undefined ? {} : { test }),
      interactions,
    };
    try {
      writeCassetteAtomically(this.path, cassette, (text) => {
        const leaks = this.#settings.redactor.findLeaksInCassette(text);
        if (leaks.length > 0) {
          throw new CassettesError('CASSETTES_SECRET_LEAK', {
            action: `write cassette ${this.#shownPath()}`,
            reason: `the verification scan found secrets that redaction missed: ${leaks.join('; ')}`,
            fix: 'Nothing was written. Add the field, header or pattern to the redact option (redact.jsonFields, redact.headers, redact.patterns) and record again.',
          });
        }
      });
    } catch (error) {
      errors.push(error as Error);
      return { errors, warnings, written: false };
    }
    return { errors, warnings, written: true };
  }
}

/** The environment variable naming the file where replay runs append which interactions they used. */
export const USAGE_FILE_ENV = 'PROVING_GROUND_CASSETTES_USAGE';

/** Append this session's usage (one JSON line) to the usage file, when one is configured. */
function writeUsage(path: string, candidates: readonly Candidate[]): string | undefined {
  const file = process.env[USAGE_FILE_ENV];
  if (file === undefined || file === '') return undefined;
  const record = {
    cassette: path,
    used: candidates.filter((candidate) => candidate.used).map((candidate) => candidate.interaction.id),
    unused: candidates.filter((candidate) => !candidate.used).map((candidate) => candidate.interaction.id),
  };
  try {
    // One short append per line: lines of parallel Jest workers do not interleave.
    appendFileSync(file, `${JSON.stringify(record)}\n`);
    return undefined;
  } catch (error) {
    return prefixed(
      `Failed to write the usage record to ${file} (${USAGE_FILE_ENV}): ${(error as Error).message}. Check that its folder exists and is writable.`,
    );
  }
}

/**
 * Same interactions, ignoring how streams were cut and timed (chunk boundaries and offsets follow
 * the network, not the server's content), so re-recording unchanged traffic keeps the file as it is.
 */
function sameContent(a: readonly Interaction[], b: readonly Interaction[]): boolean {
  const strip = (list: readonly Interaction[]): string =>
    formatCassetteJson(
      list.map((interaction) => {
        const stream = interaction.response.stream;
        if (stream === undefined) return interaction;
        const bytes = Buffer.concat(
          stream.chunks.map((chunk) => (chunk.text === undefined ? Buffer.from(chunk.base64 ?? '', 'base64') : Buffer.from(chunk.text))),
        );
        return {
          ...interaction,
          response: { ...interaction.response, stream: { kind: stream.kind, end: stream.end, content: bytes.toString('base64') } },
        };
      }),
    );
  return strip(a) === strip(b);
}

function interactionId(key: string, occurrence: number): string {
  return createHash('sha256').update(`${key}#${occurrence}`).digest('hex').slice(0, 12);
}

/** An age in the unit that fits it: minutes, hours up to two days, then days. */
function describeAge(ms: number): string {
  const plural = (count: number, unit: string): string => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (ms < 3_600_000) return plural(Math.floor(ms / 60_000), 'minute');
  if (ms < 172_800_000) return plural(Math.floor(ms / 3_600_000), 'hour');
  return plural(Math.floor(ms / 86_400_000), 'day');
}

function show(value: string | undefined): string {
  return value === undefined ? '(absent)' : JSON.stringify(truncate(value, 120));
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
