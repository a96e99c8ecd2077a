/** What replaces a redacted value in a log line. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are credentials or personal data whatever they look like. */
const SENSITIVE_KEY =
  /^(authorization|cookie|set-cookie|password|passwd|secret|token|api[-_]?key|email|phone|card|card[-_]?number|cvc|cvv)$/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** International numbers (`+351 912 345 678`, `+1-415-555-0100`): a plus, then 7 to 15 digits with separators. */
const PHONE = /\+\d(?:[\s.-]?\(?\d\)?){6,14}/g;
/**
 * 13 to 19 digits, maybe in groups, starting as the card networks' ranges do (2 to 6: millisecond
 * timestamps start with 1), and checked with Luhn before being redacted, so ids and timestamps stay.
 */
const CARD_CANDIDATE = /\b[2-6](?:[ -]?\d){12,18}\b/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi;
/** Credentials in a query string or `key=value` text: `?token=...`, `api_key=...`, `password=...`. */
const SECRET_PARAMETER = /\b(token|access_token|api_key|apikey|password|secret|signature)=([^&\s"]+)/gi;
/** Card tokens of the payments provider, API keys shaped like `sk_live_...`, `pk_test_...`, and the service's own `sdk_...` keys. */
const PROVIDER_KEY = /\b(?:tok|sk|pk|rk|sdk)_[A-Za-z0-9_]{3,}/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * `text` with e-mail addresses, international phone numbers, card numbers (Luhn-checked), bearer
 * tokens, provider keys and secret query parameters replaced by {@link REDACTED}.
 *
 * @example
 * redactText('sent to ann@acme.example, GET /exports/1?token=abc') // 'sent to [REDACTED], GET /exports/1?token=[REDACTED]'
 */
export function redactText(text: string): string {
  return text
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(SECRET_PARAMETER, (_match, key: string) => `${key}=${REDACTED}`)
    .replace(EMAIL, REDACTED)
    .replace(PROVIDER_KEY, REDACTED)
    .replace(CARD_CANDIDATE, (candidate) => (passesLuhn(candidate.replace(/\D/g, '')) ? REDACTED : candidate))
    .replace(PHONE, REDACTED);
}

/**
 * `value` with every string redacted ({@link redactText}) and the values under sensitive keys
 * (`email`, `phone`, `token`, `authorization`, `password`, ...) replaced whole, at any depth.
 *
 * @example
 * redactValue({ msg: 'lead', lead: { email: 'ann@acme.example' } }) // { msg: 'lead', lead: { email: '[REDACTED]' } }
 */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, SENSITIVE_KEY.test(key) && entry !== null ? REDACTED : redactValue(entry)]),
  );
}

/**
 * One log line redacted: a JSON line (pino's) is redacted field by field and written back as JSON,
 * any other line as text.
 *
 * @example
 * redactLogLine('{"level":30,"req":{"url":"/exports/1?token=abc"}}\n') // '{"level":30,"req":{"url":"/exports/1?token=[REDACTED]"}}\n'
 */
export function redactLogLine(line: string): string {
  const ending = line.endsWith('\n') ? '\n' : '';
  const body = ending === '' ? line : line.slice(0, -1);
  try {
    return `${JSON.stringify(redactValue(JSON.parse(body)))}${ending}`;
  } catch {
    return `${redactText(body)}${ending}`;
  }
}

/**
 * A pino destination that redacts every line ({@link redactLogLine}) before handing it to `target`.
 * Personal data stays out of the logs however a message or an error was worded.
 *
 * @example
 * const app = Fastify({ logger: { stream: redactingStream(process.stdout) } })
 */
export function redactingStream(target: { write(line: string): unknown }): { write(line: string): void } {
  return {
    write(chunk: string) {
      const lines = chunk.split(/(?<=\n)/);
      target.write(lines.map(redactLogLine).join(''));
    },
  };
}
