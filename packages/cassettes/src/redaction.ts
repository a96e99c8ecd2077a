import { createHmac } from 'node:crypto';

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
   */
  fingerprintKey?: string;
}

/** Header names redacted by default (and any name matching {@link SENSITIVE_HEADER_PATTERN}). */
export const SENSITIVE_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key'];
const SENSITIVE_HEADER_PATTERN = /(api[-_]?key|auth[-_]?token|access[-_]?token|secret|password|session[-_]?token|x-amz-security-token)/i;
const SENSITIVE_QUERY_PATTERN = /^(access_token|refresh_token|id_token|token|api[-_]?key|apikey|key|secret|client_secret|password|passwd|sig|signature|auth|code|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;
const SENSITIVE_FIELD_NAMES = new Set([
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'apikey',
  'authorization',
  'privatekey',
  'secretkey',
  'secretaccesskey',
]);
const SENSITIVE_FIELD_SUFFIXES = ['password', 'secret', 'token', 'apikey'];
const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;
const MIN_SECRET_LENGTH = 8;

/** Known token shapes, each with a name for messages. */
export const TOKEN_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  { name: 'an Anthropic API key', pattern: /sk-ant-[A-Za-z0-9_-]{20,}/g },
  { name: 'an OpenAI API key', pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'a JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
];

const DEFAULT_FINGERPRINT_KEY = '@proving-ground/cassettes fingerprint v1';
const PLACEHOLDER = /\[redacted:[^\]]*\]/g;

function matchesName(name: string, extra: readonly (string | RegExp)[]): boolean {
  const lower = name.toLowerCase();
  return extra.some((entry) => (typeof entry === 'string' ? entry.toLowerCase() === lower : entry.test(name)));
}

/** Whether a header carries credentials (built-in list, name pattern, or `extra`). */
export function isSensitiveHeader(name: string, extra: readonly (string | RegExp)[] = []): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_HEADERS.includes(lower) || SENSITIVE_HEADER_PATTERN.test(lower) || matchesName(name, extra);
}

function isSensitiveField(name: string, extra: readonly (string | RegExp)[]): boolean {
  const compact = name.toLowerCase().replace(/[-_ ]/g, '');
  return SENSITIVE_FIELD_NAMES.has(compact) || SENSITIVE_FIELD_SUFFIXES.some((suffix) => compact.endsWith(suffix)) || matchesName(name, extra);
}

/**
 * Replaces secrets with placeholders before anything reaches disk or a message, and checks written
 * text for survivors. A secret equal to a listed environment variable's value becomes
 * `[redacted:env:NAME]` (the same on every machine that sets the variable); any other becomes
 * `[redacted:<fingerprint>]`, an HMAC of the value, so two different secrets stay different.
 *
 * @example
 * const redactor = new Redactor({ secretEnv: ['OPENAI_API_KEY'] })
 * redactor.header('authorization', 'Bearer sk-live-...') // 'Bearer [redacted:env:OPENAI_API_KEY]'
 */
export class Redactor {
  readonly #options: RedactionOptions;
  readonly #envSecrets: Map<string, string>;
  /** Every secret value seen, with its placeholder. */
  readonly #seen = new Map<string, string>();

  constructor(options: RedactionOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#options = options;
    this.#envSecrets = new Map();
    const listed = new Set(options.secretEnv ?? []);
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
      if (listed.has(name) || SECRET_ENV_NAME.test(name)) {
        if (!this.#envSecrets.has(value) || listed.has(name)) this.#envSecrets.set(value, name);
      }
    }
  }

  /** The placeholder of a secret value (and remember the value for the leak scan). */
  placeholder(value: string): string {
    const known = this.#seen.get(value);
    if (known !== undefined) return known;
    const envName = this.#envSecrets.get(value);
    const fingerprint = createHmac('sha256', this.#options.fingerprintKey ?? DEFAULT_FINGERPRINT_KEY)
      .update(value)
      .digest('hex')
      .slice(0, 8);
    const placeholder = envName === undefined ? `[redacted:${fingerprint}]` : `[redacted:env:${envName}]`;
    if (value.length > 0) this.#seen.set(value, placeholder);
    return placeholder;
  }

  #isPlaceholder(value: string): boolean {
    return /^\[redacted:[^\]]*\]$/.test(value);
  }

  /** A header value with its secrets replaced (the auth scheme and cookie names are kept). */
  header(name: string, value: string): string {
    const lower = name.toLowerCase();
    if (!isSensitiveHeader(lower, this.#options.headers ?? [])) return this.text(value);
    if (lower === 'cookie') {
      return value
        .split(/;\s*/)
        .map((pair) => {
          const at = pair.indexOf('=');
          return at === -1 ? this.#secret(pair) : `${pair.slice(0, at)}=${this.#secret(pair.slice(at + 1))}`;
        })
        .join('; ');
    }
    if (lower === 'set-cookie') {
      const [first = '', ...attributes] = value.split(';');
      const at = first.indexOf('=');
      const redacted = at === -1 ? this.#secret(first) : `${first.slice(0, at)}=${this.#secret(first.slice(at + 1))}`;
      return [redacted, ...attributes].join(';');
    }
    const scheme = /^(Bearer|Basic|Token|Digest|Bot)\s+(.+)$/i.exec(value);
    return scheme ? `${scheme[1]} ${this.#secret(scheme[2]!)}` : this.#secret(value);
  }

  #secret(value: string): string {
    if (value === '' || this.#isPlaceholder(value)) return value;
    return this.placeholder(value);
  }

  /** A URL with token-like query parameters and secrets in it replaced. */
  url(raw: string): string {
    const url = new URL(raw);
    const extra = this.#options.queryParams ?? [];
    for (const [name, value] of [...url.searchParams]) {
      if (SENSITIVE_QUERY_PATTERN.test(name) || matchesName(name, extra)) url.searchParams.set(name, this.#secret(value));
    }
    if (url.username !== '') url.username = '';
    if (url.password !== '') {
      this.#secret(decodeURIComponent(url.password));
      url.password = '';
    }
    return this.text(url.toString().replace(/%5Bredacted%3A([^%]*(?:%3A[^%]*)?)%5D/gi, (match) => decodeURIComponent(match)));
  }

  /** A JSON value with sensitive fields (any depth) and secrets inside strings replaced. */
  json(value: unknown): unknown {
    const extra = this.#options.jsonFields ?? [];
    const walk = (node: unknown, key: string | undefined): unknown => {
      if (typeof node === 'string') return key !== undefined && isSensitiveField(key, extra) ? this.#secret(node) : this.text(node);
      if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
      if (node !== null && typeof node === 'object') {
        const out: Record<string, unknown> = {};
        for (const [name, child] of Object.entries(node)) out[name] = walk(child, name);
        return out;
      }
      return node;
    };
    return walk(value, undefined);
  }

  /** Text with known secrets, listed environment values and token shapes replaced. */
  text(value: string): string {
    if (value.length < MIN_SECRET_LENGTH && this.#seen.size === 0) return value;
    let out = value;
    for (const [secret, name] of this.#envSecrets) {
      if (out.includes(secret)) out = out.split(secret).join(this.placeholder(secret) ?? `[redacted:env:${name}]`);
    }
    for (const { pattern } of [...TOKEN_SHAPES, ...(this.#options.patterns ?? []).map((pattern) => ({ pattern }))]) {
      const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
      out = out.replace(global, (match) => this.placeholder(match));
    }
    for (const [secret, placeholder] of this.#seen) {
      if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(placeholder);
    }
    return out;
  }

  /**
   * What secrets `text` still holds, described without their values: every secret redacted so far
   * (raw, URL-encoded or base64), listed environment values, and token shapes.
   *
   * @example
   * redactor.findLeaks(readFileSync(path, 'utf8')) // ['a value of $OPENAI_API_KEY (line 12)']
   */
  findLeaks(text: string): string[] {
    const leaks: string[] = [];
    const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
    const check = (needle: string, what: string): void => {
      if (needle.length < MIN_SECRET_LENGTH) return;
      const index = text.indexOf(needle);
      if (index !== -1) leaks.push(`${what} (line ${lineOf(index)})`);
    };
    for (const [secret, name] of this.#envSecrets) {
      for (const form of variants(secret)) check(form, `a value of $${name}`);
    }
    for (const [secret, placeholder] of this.#seen) {
      for (const form of variants(secret)) check(form, `the secret redacted as ${placeholder}`);
    }
    const withoutPlaceholders = text.replace(PLACEHOLDER, '');
    for (const { name, pattern } of [...TOKEN_SHAPES, ...(this.#options.patterns ?? []).map((pattern) => ({ name: `a match of ${String(pattern)}`, pattern }))]) {
      const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(withoutPlaceholders);
      if (match !== null) leaks.push(`${name} (line ${lineOf(text.indexOf(match[0]))})`);
    }
    return [...new Set(leaks)];
  }
}

function variants(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])];
}
