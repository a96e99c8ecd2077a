import { countProblems, describeChoice, describeOptionValue, listChoices, listOptionProblems, checks } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';

/** The toxic types of the TCP proxy, the same as Toxiproxy's. */
export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

/** A toxic type: see {@link ToxicAttributes} for what each one does. */
export type ToxicType = (typeof TOXIC_TYPES)[number];

/** Which way a toxic acts: `upstream` is client to server, `downstream` (the default) server to client. */
export type ToxicStream = 'upstream' | 'downstream';

/**
 * When a toxic's toxicity is rolled: once per connection (the default, like Toxiproxy) or for each
 * chunk of data. Toxics that act on the connection as a whole (`slow_close`, `limit_data`) always
 * roll per connection.
 */
export type ToxicRoll = 'connection' | 'chunk';

/** The attributes of each toxic type, with Toxiproxy's names and units. Every attribute defaults to 0. */
export interface ToxicAttributes {
  /** Delays each chunk by `latency` ms, plus or minus `jitter` ms drawn uniformly from the seeded stream. */
  latency: { latency: number; jitter: number };
  /** Limits the rate to `rate` KB/s (1 KB = 1000 bytes); 0 is unlimited. */
  bandwidth: { rate: number };
  /** Delays the close (FIN) by `delay` ms once the sending side has closed. */
  slow_close: { delay: number };
  /** Lets no data through and closes the connection after `timeout` ms; 0 holds it until the toxic is removed. */
  timeout: { timeout: number };
  /** Resets the connection (TCP RST: ECONNRESET on both sides) `timeout` ms after the next data. */
  reset_peer: { timeout: number };
  /** Cuts each chunk into slices of about `average_size` bytes (± `size_variation`), `delay` µs apart. */
  slicer: { average_size: number; size_variation: number; delay: number };
  /** Closes the connection once `bytes` bytes went through. */
  limit_data: { bytes: number };
}

const ATTRIBUTE_DEFAULTS: { readonly [T in ToxicType]: Readonly<ToxicAttributes[T]> } = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
};

/** The toxics whose toxicity is always rolled once per connection. */
const CONNECTION_WIDE: ReadonlySet<ToxicType> = new Set(['slow_close', 'limit_data']);

/** What `addToxic()` takes: a type, its attributes, and optionally a name, stream, toxicity and roll. */
export type ToxicOptions = {
  [T in ToxicType]: {
    type: T;
    /** Unique within the proxy; defaults to `<type>_<stream>` as in Toxiproxy. */
    name?: string;
    /** Defaults to `downstream`. */
    stream?: ToxicStream;
    /** The chance (0 to 1) that it acts on a connection (or chunk); defaults to 1. */
    toxicity?: number;
    /** Roll the toxicity per `connection` (default) or per `chunk`. */
    per?: ToxicRoll;
    attributes?: Partial<ToxicAttributes[T]>;
  };
}[ToxicType];

/** A toxic as the proxy holds it and as Toxiproxy's API shows it. */
export interface ToxicDescription {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  toxicity: number;
  per: ToxicRoll;
  attributes: Record<string, number>;
}

/** What `updateToxic()` takes: new attributes (merged over the old ones), toxicity or roll. */
export interface ToxicUpdate {
  toxicity?: number;
  per?: ToxicRoll;
  attributes?: Record<string, number>;
}

const integer = checks.integer(0);

function attributeProblems(type: ToxicType, attributes: unknown, path: string): string[] {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return [`- ${path}attributes: expected an object, got ${describeOptionValue(attributes)}.`];
  }
  const known = Object.keys(ATTRIBUTE_DEFAULTS[type]);
  const problems = listOptionProblems(attributes, Object.fromEntries(known.map((name) => [name, integer])), `${path}attributes.`);
  const slices = (attributes as { average_size?: unknown }).average_size;
  if (type === 'slicer' && (slices === undefined || slices === 0)) {
    problems.push(`- ${path}attributes.average_size: a slicer needs slices of at least 1 byte.`);
  }
  return problems.map((line) =>
    line.includes('unknown option')
      ? line.replace('unknown option', `unknown attribute of ${type}`).replace('Known options:', 'Valid attributes:')
      : line,
  );
}

function toxicFailure(subject: string, problems: string[], fix: string): ChaosError {
  const unknownType = problems.length === 1 && problems[0]!.startsWith('- type: unknown toxic type');
  return new ChaosError(unknownType ? 'CHAOS_UNKNOWN_TOXIC' : 'CHAOS_INVALID_TOXIC', {
    action: `add the toxic ${subject}`,
    reason: countProblems(problems),
    details: problems,
    fix,
  });
}

const FIX = `Use one of the types ${listChoices(TOXIC_TYPES)} with the attributes documented for it (all whole numbers).`;

/**
 * Every problem of a toxic at once, or its normalized description: defaults filled in, the name
 * defaulted to `<type>_<stream>`.
 *
 * @throws ChaosError `CHAOS_UNKNOWN_TOXIC` for an unknown type (listing the valid ones),
 * `CHAOS_INVALID_TOXIC` for anything else (unknown attributes listing the valid ones, bad values).
 */
export function normalizeToxic(input: unknown, where = ''): ToxicDescription {
  const subject = where === '' ? 'to the proxy' : where;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw toxicFailure(subject, [`- expected an object with a type, got ${describeOptionValue(input)}.`], FIX);
  }
  const options = input as Record<string, unknown>;
  const type = options.type;
  if (typeof type !== 'string' || !(TOXIC_TYPES as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? describeChoice(type, TOXIC_TYPES) : describeOptionValue(type);
    throw toxicFailure(subject, [`- type: unknown toxic type ${got}. Valid types: ${listChoices(TOXIC_TYPES)}.`], FIX);
  }
  const toxicType = type as ToxicType;
  const problems = listOptionProblems(options, {
    type: () => undefined,
    name: checks.string(),
    stream: checks.oneOf(['upstream', 'downstream']),
    toxicity: checks.number(0, 1),
    per: checks.oneOf(['connection', 'chunk']),
    attributes: () => undefined,
  });
  problems.push(...attributeProblems(toxicType, options.attributes ?? {}, ''));
  if (options.per === 'chunk' && CONNECTION_WIDE.has(toxicType)) {
    problems.push(`- per: ${toxicType} acts on the connection as a whole, so it rolls per "connection".`);
  }
  if (problems.length > 0) throw toxicFailure(`${subject} (${toxicType})`, problems, FIX);
  const stream = (options.stream as ToxicStream | undefined) ?? 'downstream';
  return {
    name: (options.name as string | undefined) ?? `${toxicType}_${stream}`,
    type: toxicType,
    stream,
    toxicity: (options.toxicity as number | undefined) ?? 1,
    per: (options.per as ToxicRoll | undefined) ?? 'connection',
    attributes: { ...ATTRIBUTE_DEFAULTS[toxicType], ...(options.attributes as Record<string, number> | undefined) },
  };
}

/**
 * `toxic` with `update` applied (attributes merged over the old ones), every problem reported at once.
 *
 * @throws ChaosError `CHAOS_INVALID_TOXIC`
 */
export function applyToxicUpdate(toxic: ToxicDescription, update: unknown): ToxicDescription {
  const subject = `"${toxic.name}" (${toxic.type})`;
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new ChaosError('CHAOS_INVALID_TOXIC', {
      action: `update the toxic ${subject}`,
      reason: `expected an object with attributes or toxicity, got ${describeOptionValue(update)}`,
      fix: 'Pass { attributes: { ... } } or { toxicity: 0.5 }.',
    });
  }
  const changes = update as ToxicUpdate;
  const problems = listOptionProblems(changes, {
    toxicity: checks.number(0, 1),
    per: checks.oneOf(['connection', 'chunk']),
    attributes: () => undefined,
  });
  const attributes = { ...toxic.attributes, ...changes.attributes };
  problems.push(...attributeProblems(toxic.type, attributes, ''));
  if (changes.per === 'chunk' && CONNECTION_WIDE.has(toxic.type)) {
    problems.push(`- per: ${toxic.type} acts on the connection as a whole, so it rolls per "connection".`);
  }
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_TOXIC', {
      action: `update the toxic ${subject}`,
      reason: countProblems(problems),
      details: problems,
      fix: FIX,
    });
  }
  return { ...toxic, toxicity: changes.toxicity ?? toxic.toxicity, per: changes.per ?? toxic.per, attributes };
}
