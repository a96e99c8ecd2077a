import { luhnValid, MASK, maskUrlCredentials } from '@proving-ground/kit';

/** PEM private keys, whole (or to the end of the text when it was cut). */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** JSON Web Tokens: three base64url parts, the first two starting as JSON objects do. */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Tokens whose prefix says what they are: GitHub, Slack, OpenAI-style, AWS access keys, Google API keys, npm. */
const PREFIXED_TOKEN =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36})\b/g;
/** `Authorization: Bearer <token>` and the like. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi;
/** `password=...`, `"apiKey": "..."`, `x-auth-token: ...`: a value after a name that says it is secret. */
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|session[_-]?id|cookie|authorization)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)(?!\*\*\*|(?:Bearer|Basic|Token|Digest)\s)([^\s"',;&)}\]]+)/gi;
/** E-mail addresses: the local part is personal, the domain is kept. */
const EMAIL = /\b[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;
/** 13 to 19 digits, optionally grouped by spaces or dashes: a payment card number when the Luhn check passes. */
const CARD_NUMBER = /\b\d(?:[ -]?\d){12,18}\b/g;

/**
 * `text` with the secrets and personal values a test failure may print replaced by `***`: URL
 * passwords (the kit's {@link maskUrlCredentials}), private keys, JSON Web Tokens, tokens with a
 * known prefix (GitHub, Slack, AWS, Google, npm, `sk-`), `Bearer` and `Basic` credentials, values
 * named like secrets (`password=`, `"apiKey": "..."`), the local part of e-mail addresses and card
 * numbers. Masking errs on the side of hiding: a value named `token` is masked even when harmless.
 *
 * @example
 * maskFailureSecrets('POST https://api:hunter2@pay.example/v1 failed for jane@example.com, password=hunter2')
 * // 'POST https://api:***@pay.example/v1 failed for ***@example.com, password=***'
 */
export function maskFailureSecrets(text: string): string {
  return maskUrlCredentials(text)
    .replace(PRIVATE_KEY, MASK)
    .replace(JWT, MASK)
    .replace(PREFIXED_TOKEN, MASK)
    .replace(AUTH_SCHEME, (_match, scheme: string, space: string) => `${scheme}${space}${MASK}`)
    .replace(SECRET_ASSIGNMENT, (_match, name: string, separator: string) => `${name}${separator}${MASK}`)
    .replace(EMAIL, (_match, domain: string) => `${MASK}@${domain}`)
    .replace(CARD_NUMBER, (match) => (luhnValid(match.replace(/\D/g, '')) ? MASK : match));
}
