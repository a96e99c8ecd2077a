import { maskUrlCredentials } from './masking.js';

/**
 * The parts of a failure message, in the house shape:
 * `[package] Failed to <action>: <reason>. <fix>`, with optional detail lines between reason and fix.
 */
export interface Failure {
  /** What failed, as a verb and its object: `replay "POST https://api.example.com/v1/chat"`. */
  action: string;
  /** Why it failed. */
  reason: string;
  /** Lines listed under the reason (every problem of an options object, a diff, ...). */
  details?: readonly string[];
  /** What to do about it. */
  fix?: string;
}

const kProvingGroundError = Symbol.for('@proving-ground/error');

/** `text` ending as a sentence: a full stop is added unless it ends one already, or ends a shell command a reader copies (a quote or backtick). */
function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?:'`]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * The message of a {@link Failure}, prefixed with `[packageName]`, with every URL-shaped password masked.
 *
 * @example
 * formatFailure('cassettes', { action: 'load "a.json"', reason: 'it is not JSON', fix: 'Re-record it.' })
 * // '[cassettes] Failed to load "a.json": it is not JSON. Re-record it.'
 */
export function formatFailure(packageName: string, failure: Failure): string {
  const head = `[${packageName}] Failed to ${failure.action}: ${sentence(failure.reason)}`;
  const details = failure.details !== undefined && failure.details.length > 0 ? `\n${failure.details.join('\n')}` : '';
  const fix = failure.fix === undefined || failure.fix === '' ? '' : `${details === '' ? ' ' : '\n'}${sentence(failure.fix)}`;
  return maskUrlCredentials(`${head}${details}${fix}`);
}

/**
 * `message` with the `[packageName] ` prefix (added once) and every URL-shaped password masked: the
 * shape of the errors, for what is not an error (warnings, matcher messages).
 *
 * @example
 * prefixed('cassettes', 'Nothing written to a.json: the test failed while recording.') // '[cassettes] Nothing written ...'
 */
export function prefixed(packageName: string, message: string): string {
  const prefix = `[${packageName}]`;
  return maskUrlCredentials(message.startsWith(prefix) ? message : `${prefix} ${message}`);
}

/**
 * Base class of every error the Proving Ground packages throw: a stable `code`, the package's name
 * as a prefix added here (never typed by hand), URL passwords masked, and `cause` kept so a wrapped
 * error is nested rather than edited.
 *
 * Each package extends it once, naming itself in two static fields, and gets its guard from
 * {@link errorGuard}. Errors are recognised by `Symbol.for` brands, not `instanceof`, because a
 * test setup often holds two copies of a package (its ESM and CJS builds).
 *
 * @example
 * export class CassettesError extends ProvingGroundError<CassettesErrorCode> {
 *   static override readonly packageName: string = 'cassettes';
 *   static override readonly errorName: string = 'CassettesError';
 * }
 * export const isCassettesError = errorGuard(CassettesError);
 * throw new CassettesError('CASSETTES_EXPIRED', { action: 'replay "a.json"', reason: 'it is 40 days old', fix: 'Re-record it.' });
 */
export class ProvingGroundError<Code extends string = string> extends Error {
  /** The short name of the package (`cassettes`): the message prefix and the brand. Set by each subclass. */
  static readonly packageName: string = 'proving-ground';
  /** The class name users see as `error.name`, whatever a bundler renames the class to. Set by each subclass. */
  static readonly errorName: string = 'ProvingGroundError';

  /** A stable identifier of the situation, safe to match on. */
  readonly code: Code;
  /** The short name of the package that threw it (`cassettes`). */
  readonly packageName: string;

  constructor(code: Code, failure: Failure | string, options?: { cause?: unknown }) {
    const type = new.target;
    super(typeof failure === 'string' ? prefixed(type.packageName, failure) : formatFailure(type.packageName, failure), options);
    this.name = type.errorName;
    this.code = code;
    this.packageName = type.packageName;
    brand(this, kProvingGroundError);
    brand(this, packageBrand(type.packageName));
  }
}

function packageBrand(packageName: string): symbol {
  return Symbol.for(`@proving-ground/${packageName}/error`);
}

/**
 * The guard that recognises errors of `type`'s package thrown by any copy of it.
 *
 * @example
 * export const isFactoriesError = errorGuard(FactoriesError);
 * if (isFactoriesError(error) && error.code === 'FACTORIES_UNKNOWN_FIELD') { ... }
 */
export function errorGuard<T extends ProvingGroundError>(type: {
  readonly packageName: string;
  readonly prototype: T;
}): (value: unknown) => value is T {
  const key = packageBrand(type.packageName);
  return (value: unknown): value is T => hasBrand(value, key);
}

/** Mark `error` with a `Symbol.for` brand, recognisable across copies of a package with {@link hasBrand}. */
export function brand(error: object, key: symbol): void {
  Object.defineProperty(error, key, { value: true, enumerable: false, configurable: true });
}

/** Whether `value` carries the brand `key` (set by {@link brand}). */
export function hasBrand(value: unknown, key: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true;
}

/**
 * Whether `value` was thrown by any copy of any Proving Ground package.
 *
 * @example
 * if (isProvingGroundError(error)) console.log(error.code)
 */
export function isProvingGroundError(value: unknown): value is ProvingGroundError {
  return hasBrand(value, kProvingGroundError);
}

/**
 * The first line of an error's message, for a reason that quotes what a nested error said (the
 * error itself goes in `cause`).
 *
 * @example
 * new XError('X_READ', { action: 'read "a.json"', reason: firstLine(error) }, { cause: error })
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return maskUrlCredentials(message.split('\n', 1)[0] ?? '');
}
