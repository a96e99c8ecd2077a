import { createHmac } from 'node:crypto';
import {
  MIN_SECRET_LENGTH,
  SECRET_ENV_NAME,
  TOKEN_SHAPES,
  isSensitiveField,
  isSensitiveHeader,
  isSensitiveQuery,
  type RedactionOptions,
} from './rules.js';
import { replacedForms, scannedForms, shortSecretPatterns } from './secret-forms.js';

const DEFAULT_FINGERPRINT_KEY = '@proving-ground/cassettes fingerprint v1';
const PLACEHOLDER = /\[redacted:[^\]]*\]/g;
/** The environment variable read when `fingerprintKey` is not given. */
export const FINGERPRINT_KEY_ENV = 'CASSETTES_FINGERPRINT_KEY';

interface Found {
  start: number;
  end: number;
  /** The secret the placeholder stands for. */
  secret: string;
}

/**
 * Replaces secrets with placeholders before anything reaches disk or a message, and checks written
 * text for survivors. A secret equal to a listed environment variable's value becomes
 * `[redacted:env:NAME]` (the same on every machine that sets the variable); any other becomes
 * `[redacted:<fingerprint>]`, an HMAC of the value, so two different secrets stay different.
 * Known secrets are also replaced in their URL-encoded and base64 forms.
 *
 * @example
 * const redactor = new Redactor({ secretEnv: ['OPENAI_API_KEY'] })
 * redactor.header('authorization', 'Bearer sk-live-...') // 'Bearer [redacted:env:OPENAI_API_KEY]'
 */
export class Redactor {
  readonly #options: RedactionOptions;
  readonly #envSecrets: Map<string, string>;
  /**
   * Environment values shorter than the length floor, with their variable's name: a listed one is
   * redacted in every form as a whole token; one known only by a secret-sounding name (4 characters
   * or more) only in its encoded forms, since its raw form is often a plain word (`true`, `3600`).
   */
  readonly #shortEnvSecrets = new Map<string, { name: string; encodedOnly: boolean }>();
  #fingerprintKey: string;
  /** Every secret value seen, with its placeholder (shared by the scopes of one redactor). */
  #seen = new Map<string, string>();
  /** Secrets shorter than the length floor seen in this scope (one interaction): replaced as whole words. */
  readonly #short = new Set<string>();

  /**
   * @param options - what counts as a secret on top of the built-in rules
   * @param env - the environment whose secret-named (or listed) variables' values are redacted
   */
  constructor(options: RedactionOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#options = options;
    this.#envSecrets = new Map();
    this.#fingerprintKey = options.fingerprintKey ?? (env[FINGERPRINT_KEY_ENV] || DEFAULT_FINGERPRINT_KEY);
    const listed = new Set(options.secretEnv ?? []);
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || value === '' || name === FINGERPRINT_KEY_ENV) continue;
      if (value.length < MIN_SECRET_LENGTH) {
        if (listed.has(name)) this.#shortEnvSecrets.set(value, { name, encodedOnly: false });
        else if (value.length >= 4 && SECRET_ENV_NAME.test(name) && !this.#shortEnvSecrets.has(value)) {
          this.#shortEnvSecrets.set(value, { name, encodedOnly: true });
        }
        continue;
      }
      if (listed.has(name) || SECRET_ENV_NAME.test(name)) {
        if (!this.#envSecrets.has(value) || listed.has(name)) this.#envSecrets.set(value, name);
      }
    }
  }

  /**
   * A redactor for one interaction: it shares every secret seen so far, and also replaces secrets
   * shorter than 8 characters seen in this interaction's request (a `hunter2` password echoed back),
   * as whole tokens, raw, URL-encoded, base64 or base64url, in this interaction only.
   *
   * @example
   * const perInteraction = redactor.scope()
   */
  scope(): Redactor {
    const scoped = new Redactor(this.#options, {});
    scoped.#seen = this.#seen;
    for (const [value, name] of this.#envSecrets) scoped.#envSecrets.set(value, name);
    for (const [value, entry] of this.#shortEnvSecrets) scoped.#shortEnvSecrets.set(value, entry);
    scoped.#fingerprintKey = this.#fingerprintKey;
    return scoped;
  }

  /** The placeholder of a secret value (and remember the value for the leak scan). */
  placeholder(value: string): string {
    const known = this.#seen.get(value);
    if (known !== undefined) {
      if (value.length < MIN_SECRET_LENGTH) this.#short.add(value);
      return known;
    }
    const envName = this.#envSecrets.get(value) ?? this.#shortEnvSecrets.get(value)?.name;
    const fingerprint = createHmac('sha256', this.#fingerprintKey).update(value).digest('hex').slice(0, 8);
    const placeholder = envName === undefined ? `[redacted:${fingerprint}]` : `[redacted:env:${envName}]`;
    if (value.length > 0) this.#seen.set(value, placeholder);
    if (value.length > 0 && value.length < MIN_SECRET_LENGTH) this.#short.add(value);
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
      if (isSensitiveQuery(name, extra)) url.searchParams.set(name, this.#secret(value));
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

  /** Text with known secrets (raw, URL-encoded or base64), listed environment values and token shapes replaced. */
  text(value: string): string {
    if (value.length < MIN_SECRET_LENGTH && this.#short.size === 0 && this.#shortEnvSecrets.size === 0) return value;
    return this.#apply(value, this.#find(value, false));
  }

  /**
   * Stream chunks with secrets replaced over their concatenation, so a secret split across two
   * chunks is caught; chunk boundaries are kept (a placeholder goes to the chunk where its secret
   * started). Works on bytes, so binary chunks are covered too.
   *
   * @example
   * redactor.chunks([Buffer.from('key is sk-'), Buffer.from('proj-...')]) // [<'key is [redacted:…]'>, <''>]
   */
  chunks(chunks: readonly Uint8Array[]): Buffer[] {
    const parts = chunks.map((chunk) => Buffer.from(chunk).toString('latin1'));
    const joined = parts.join('');
    const found = this.#find(joined, true);
    if (found.length === 0) return chunks.map((chunk) => Buffer.from(chunk));
    const placeholders = found.map((range) => Buffer.from(this.placeholder(range.secret)).toString('latin1'));
    const out = this.#apply(joined, found, placeholders);
    const position = (offset: number): number => {
      let shift = 0;
      for (const [index, range] of found.entries()) {
        if (range.start >= offset) break;
        if (range.end <= offset) shift += placeholders[index]!.length - (range.end - range.start);
        else return range.start + shift + placeholders[index]!.length;
      }
      return offset + shift;
    };
    const result: Buffer[] = [];
    let offset = 0;
    for (const part of parts) {
      result.push(Buffer.from(out.slice(position(offset), position(offset + part.length)), 'latin1'));
      offset += part.length;
    }
    return result;
  }

  #apply(value: string, found: readonly Found[], placeholders = found.map((range) => this.placeholder(range.secret))): string {
    if (found.length === 0) return value;
    let out = '';
    let at = 0;
    for (const [index, range] of found.entries()) {
      out += value.slice(at, range.start) + placeholders[index]!;
      at = range.end;
    }
    return out + value.slice(at);
  }

  /** Every secret in `haystack` (text, or bytes as latin1), non-overlapping, outside existing placeholders. */
  #find(haystack: string, bytes: boolean): Found[] {
    const encode = (form: string): string => (bytes ? Buffer.from(form, 'utf8').toString('latin1') : form);
    const candidates: Found[] = [];
    const literal = (secret: string): void => {
      for (const form of replacedForms(secret)) {
        const needle = encode(form);
        for (let index = haystack.indexOf(needle); index !== -1; index = haystack.indexOf(needle, index + 1)) {
          candidates.push({ start: index, end: index + needle.length, secret });
        }
      }
    };
    for (const secret of this.#envSecrets.keys()) literal(secret);
    for (const secret of this.#seen.keys()) if (secret.length >= MIN_SECRET_LENGTH) literal(secret);
    const whole = (secret: string, encodedOnly: boolean): void => {
      for (const pattern of shortSecretPatterns(secret, encodedOnly, bytes)) {
        for (const match of haystack.matchAll(pattern)) candidates.push({ start: match.index, end: match.index + match[0].length, secret });
      }
    };
    for (const secret of this.#short) whole(secret, false);
    for (const [secret, { encodedOnly }] of this.#shortEnvSecrets) whole(secret, encodedOnly);
    for (const { pattern } of this.#shapes()) {
      const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
      for (const match of haystack.matchAll(global)) {
        if (match[0] === '') continue;
        const secret = bytes ? Buffer.from(match[0], 'latin1').toString('utf8') : match[0];
        candidates.push({ start: match.index, end: match.index + match[0].length, secret });
      }
    }
    if (candidates.length === 0) return [];
    const blocked = [...haystack.matchAll(PLACEHOLDER)].map((match) => [match.index, match.index + match[0].length] as const);
    candidates.sort((a, b) => a.start - b.start || b.end - a.end);
    const chosen: Found[] = [];
    let end = 0;
    for (const candidate of candidates) {
      if (candidate.start < end) continue;
      if (blocked.some(([from, to]) => candidate.start < to && candidate.end > from)) continue;
      chosen.push(candidate);
      end = candidate.end;
    }
    return chosen;
  }

  #shapes(): { name: string; pattern: RegExp }[] {
    return [...TOKEN_SHAPES, ...(this.#options.patterns ?? []).map((pattern) => ({ name: `a match of ${String(pattern)}`, pattern }))];
  }

  /**
   * What secrets `text` still holds, described without their values: every secret redacted so far
   * and every listed environment value (raw, JSON-escaped, URL-encoded, or base64 at any of the
   * three byte alignments), and token shapes. Short environment values are looked for as whole
   * tokens, as they are redacted; other secrets shorter than 8 characters are not scanned for
   * (they are redacted in their own interaction only, and would match ordinary words elsewhere).
   *
   * @example
   * redactor.findLeaks(readFileSync(path, 'utf8')) // ['a value of $OPENAI_API_KEY (line 12)']
   */
  findLeaks(text: string): string[] {
    return [...new Set(this.#leaks(text, false, (index) => text.slice(0, index).split('\n').length))];
  }

  /**
   * {@link findLeaks} over a cassette file, plus its decoded content: every base64 body and chunk
   * decoded, and every stream's chunks joined, so a secret inside binary data or split across
   * chunks is found too.
   *
   * @example
   * redactor.findLeaksInCassette(readFileSync(path, 'utf8'))
   */
  findLeaksInCassette(text: string): string[] {
    const leaks = this.findLeaks(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return leaks;
    }
    const lineOf = (needle: string): number => {
      const index = text.indexOf(needle);
      return index === -1 ? 1 : text.slice(0, index).split('\n').length;
    };
    const scan = (bytes: Buffer, anchor: string): void => {
      if (bytes.byteLength === 0) return;
      const line = lineOf(anchor);
      leaks.push(...this.#leaks(bytes.toString('latin1'), true, () => line));
    };
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (Array.isArray(record['chunks'])) {
        const chunks = record['chunks'] as { text?: unknown; base64?: unknown }[];
        const joined = Buffer.concat(
          chunks.map((chunk) =>
            typeof chunk.text === 'string'
              ? Buffer.from(chunk.text)
              : typeof chunk.base64 === 'string'
                ? Buffer.from(chunk.base64, 'base64')
                : Buffer.alloc(0),
          ),
        );
        const first = chunks.find((chunk) => typeof chunk.text === 'string' || typeof chunk.base64 === 'string');
        scan(joined, first === undefined ? '"chunks"' : JSON.stringify(first.text ?? first.base64));
        return;
      }
      if (typeof record['base64'] === 'string') scan(Buffer.from(record['base64'], 'base64'), JSON.stringify(record['base64']));
      for (const child of Object.values(record)) walk(child);
    };
    walk(parsed);
    return [...new Set(leaks)];
  }

  #leaks(haystack: string, bytes: boolean, lineAt: (index: number) => number): string[] {
    const encode = (form: string): string => (bytes ? Buffer.from(form, 'utf8').toString('latin1') : form);
    const leaks: string[] = [];
    const check = (secret: string, what: string): void => {
      if (secret.length < MIN_SECRET_LENGTH) return;
      for (const form of scannedForms(secret)) {
        const index = haystack.indexOf(encode(form));
        if (index !== -1) {
          leaks.push(`${what} (line ${lineAt(index)})`);
          return;
        }
      }
    };
    for (const [secret, name] of this.#envSecrets) check(secret, `a value of $${name}`);
    for (const [secret, { name, encodedOnly }] of this.#shortEnvSecrets) {
      const match = shortSecretPatterns(secret, encodedOnly, bytes)
        .map((pattern) => new RegExp(pattern.source).exec(haystack))
        .find((found) => found !== null);
      if (match) leaks.push(`a value of $${name} (line ${lineAt(match.index)})`);
    }
    for (const [secret, placeholder] of this.#seen) check(secret, `the secret redacted as ${placeholder}`);
    const withoutPlaceholders = haystack.replace(PLACEHOLDER, '');
    for (const { name, pattern } of this.#shapes()) {
      const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(withoutPlaceholders);
      if (match !== null) leaks.push(`${name} (line ${lineAt(haystack.indexOf(match[0]))})`);
    }
    return leaks;
  }
}
