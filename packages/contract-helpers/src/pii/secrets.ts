import type { TextMatch } from './pii-detectors.js';

/** Secrets recognisable by their shape alone: vendor key formats, private keys, webhook URLs. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, number]> = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, 0.97],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, 0.99],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, 0.99],
  [/\bxox[abposre]-[A-Za-z0-9-]{10,}/g, 0.97],
  [/\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}\b/g, 0.97],
  // Stripe secret, restricted and webhook signing keys.
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, 0.98],
  [/\bwhsec_[A-Za-z0-9+/]{24,}={0,2}/g, 0.98],
  [/\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g, 0.95],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, 0.95],
  [/\bgl(?:pat|ptt|dt|rt|cbt)-[A-Za-z0-9_-]{20,}/g, 0.98],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 0.98],
  [/\bpypi-AgE[A-Za-z0-9_-]{50,}/g, 0.98],
  [/\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, 0.98],
  [/\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g, 0.98],
  [/\bdop_v1_[a-f0-9]{64}\b/g, 0.98],
  [/\bhf_[A-Za-z]{34}\b/g, 0.95],
  [/\bsq0(?:atp|csp)-[A-Za-z0-9_-]{22,}/g, 0.97],
  // Webhook URLs carry their secret in the path: whoever has the URL can post.
  [/\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9/]{8,}/g, 0.97],
  [/\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/g, 0.97],
  [
    /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    0.99,
  ],
  // A bearer JWT is reported as a JWT (its own detector), not as an opaque secret.
  [/\b[Bb]earer\s+(?!eyJ[A-Za-z0-9_-]{8,}\.eyJ)[A-Za-z0-9._~+/-]{20,}=*/g, 0.9],
  // A password in a URL, also with no user (`redis://:pw@host`) or one slash (`postgres:/u:pw@db`),
  // unless it is already a redaction token (so redacted text scans clean).
  [/(?<=\b[a-z][a-z0-9+.-]*:\/{1,2}[^\s:/@]*:)(?!\[REDACTED)[^\s@/]{3,}(?=@[\w[])/g, 0.9],
];

// An AWS secret access key is 40 characters of base64 with no prefix of its own: it counts next to
// what names it (`aws_secret_access_key`, `SecretAccessKey`, "secret key") or after an access key id.
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const AWS_SECRET_CONTEXT = /(?:secret|(?:AKIA|ASIA)[0-9A-Z]{16})[^\n]{0,40}$/i;

function detectAwsSecrets(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(AWS_SECRET)) {
    const raw = match[0];
    if (!/[a-z]/.test(raw) || !/[A-Z]/.test(raw) || !/\d/.test(raw)) continue;
    if (!AWS_SECRET_CONTEXT.test(text.slice(Math.max(0, match.index - 60), match.index))) continue;
    found.push({ category: 'secret', start: match.index, end: match.index + raw.length, raw, risk: 0.9 });
  }
}

/**
 * Secrets in `text`: vendor key formats (AWS, GitHub, Slack, Stripe including webhook signing
 * secrets, OpenAI, Anthropic, Google, GitLab, npm, PyPI, SendGrid, Shopify, DigitalOcean, Hugging
 * Face, Square), AWS secret access keys named as such, private key blocks, webhook URLs (Slack,
 * Discord), bearer tokens and passwords in URLs.
 *
 * @param text - the string to scan
 * @param found - where matches are added
 * @example
 * const found: TextMatch[] = [];
 * detectSecrets('STRIPE_WEBHOOK_SECRET=whsec_…', found); // found[0].category === 'secret'
 */
export function detectSecrets(text: string, found: TextMatch[]): void {
  for (const [pattern, risk] of SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({ category: 'secret', start: match.index, end: match.index + match[0].length, raw: match[0], risk });
    }
  }
  if (text.length >= 40) detectAwsSecrets(text, found);
}
