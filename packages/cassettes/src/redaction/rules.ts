// What counts as a secret: sensitive header, query parameter and JSON field names, the environment
// variables whose values are secrets, and known token shapes. The Redactor (redactor.ts) applies them.

/** What counts as a secret, on top of the built-in lists. */
export interface RedactionOptions {
  /** More header names to redact (case-insensitive strings or patterns). */
  headers?: readonly (string | RegExp)[];
  /** More query parameter names to redact. */
  queryParams?: readonly (string | RegExp)[];
  /** More JSON field names whose string values are redacted, at any depth. */
  jsonFields?: readonly (string | RegExp)[];
  /**
   * Environment variables whose values are secrets wherever they appear. Variables named like
   * `*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*CREDENTIAL*` are included by default.
   */
  secretEnv?: readonly string[];
  /** More token shapes to redact anywhere in text. */
  patterns?: readonly RegExp[];
  /**
   * Key of the fingerprints that keep two redacted secrets apart (a good key and a bad key).
   * Never stored; any fixed value works as long as recording and replaying use the same one.
   * Defaults to the `CASSETTES_FINGERPRINT_KEY` environment variable, then to a public constant:
   * set a private key when cassettes may hold fingerprints of low-entropy secrets (passwords).
   */
  fingerprintKey?: string;
}

/** Header names redacted by default (and any name made of a sensitive word, see {@link isSensitiveName}). */
export const SENSITIVE_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key'];
/** Query parameter names that carry secrets without a sensitive word in them. */
const SENSITIVE_QUERY_NAMES = new Set(['key', 'code', 'x-amz-credential']);
/** Words (after splitting a name on `-`, `_`, `.`, spaces and camelCase) that make a name sensitive, alone or joined with the next word. */
const SENSITIVE_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'auth',
  'authorization',
  'credential',
  'privatekey',
  'accesskey',
  'secretkey',
  'sessionkey',
  'session',
  'signature',
  'sig',
  'cookie',
  'jwt',
]);
/** Last words that make a name describe a secret rather than hold one (`token_type`, `session_count`). */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'type',
  'types',
  'count',
  'counts',
  'expires',
  'expiry',
  'ttl',
  'length',
  'limit',
  'usage',
  'details',
]);
/** Headers that name other headers or flags, never hold a secret (`access-control-allow-credentials: true`). */
const DESCRIPTIVE_HEADER = /^(access-control-|vary$|www-authenticate$)/i;
/** Environment variable names whose values are secrets by default. */
export const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;
/** Secrets shorter than this are only redacted as whole words, in the interaction that sent them, and never scanned for. */
export const MIN_SECRET_LENGTH = 8;

/** Known token shapes, each with a name for messages. */
export const TOKEN_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  { name: 'an Anthropic API key', pattern: /sk-ant-[A-Za-z0-9_-]{20,}/g },
  { name: 'an OpenAI API key', pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'a GitLab token', pattern: /\bgl(?:pat|dt|rt|ptt|oas)-[A-Za-z0-9_-]{16,}/g },
  { name: 'a Stripe live key', pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}/g },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { name: 'a JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
];

function matchesName(name: string, extra: readonly (string | RegExp)[]): boolean {
  const lower = name.toLowerCase();
  return extra.some((entry) => (typeof entry === 'string' ? entry.toLowerCase() === lower : entry.test(name)));
}

/**
 * Whether a header, query parameter or JSON field name holds a secret by its words: the name is split
 * on `-`, `_`, `.`, spaces and camelCase, and is sensitive when a word, or two adjacent words joined,
 * is a secret word (`password`, `secret`, `token`, `api key`, `auth`, `credential`, `private key`,
 * `access key`, `session`, `signature`, `sig`...). Token counts stay readable: `tokens` is not
 * `token`, and a name ending in `type`, `count`, `limit`, `details`... describes a secret rather
 * than holding one.
 *
 * @example
 * isSensitiveName('aws_secret_access_key') // true
 * isSensitiveName('PRIVATE-TOKEN') // true
 * isSensitiveName('prompt_tokens') // false
 */
export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || DESCRIPTIVE_LAST_WORDS.has(words.at(-1)!)) return false;
  return words.some((word, index) => SENSITIVE_WORDS.has(word) || (index > 0 && SENSITIVE_WORDS.has(`${words[index - 1]!}${word}`)));
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** Whether a header carries credentials (built-in list, a sensitive word in its name, or `extra`). */
export function isSensitiveHeader(name: string, extra: readonly (string | RegExp)[] = []): boolean {
  const lower = name.toLowerCase();
  if (matchesName(name, extra) || SENSITIVE_HEADERS.includes(lower)) return true;
  return !DESCRIPTIVE_HEADER.test(lower) && isSensitiveName(lower);
}

/** Whether a query parameter carries a secret (its name, or `extra`). */
export function isSensitiveQuery(name: string, extra: readonly (string | RegExp)[]): boolean {
  return SENSITIVE_QUERY_NAMES.has(name.toLowerCase()) || isSensitiveName(name) || matchesName(name, extra);
}

/** Whether a JSON field's string value is a secret (its name, or `extra`). */
export function isSensitiveField(name: string, extra: readonly (string | RegExp)[]): boolean {
  return isSensitiveName(name) || matchesName(name, extra);
}
