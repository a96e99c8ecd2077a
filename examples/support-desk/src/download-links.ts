import { createHmac, timingSafeEqual } from 'node:crypto';
import { problem } from './problems.ts';

/** How long a download link is valid when not configured, in seconds. */
export const DEFAULT_LINK_TTL_SECONDS = 300;

/** How far apart two clocks may be before a link is refused, in seconds. */
export const DEFAULT_LINK_LEEWAY_SECONDS = 30;

/** Options of {@link DownloadLinks}. */
export interface DownloadLinkOptions {
  /** The HMAC-SHA256 key links are signed with (`DOWNLOAD_LINK_SECRET`); at least 32 bytes. */
  secret: string | Uint8Array;
  /** How long a link is valid (default {@link DEFAULT_LINK_TTL_SECONDS}). */
  ttlSeconds?: number | undefined;
  /** Clock difference tolerated on both ends of a link's life (default {@link DEFAULT_LINK_LEEWAY_SECONDS}). */
  leewaySeconds?: number | undefined;
}

/** What a link grants: one export of one tenant. */
export interface DownloadClaims {
  tenantId: string;
  exportId: string;
}

/** A signed link's token and when it stops being accepted (leeway aside). */
export interface SignedLink {
  token: string;
  expiresAt: string;
}

interface TokenPayload {
  tid: string;
  eid: string;
  iat: number;
  exp: number;
}

function base64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

function nowSeconds(): number {
  // Read the wall clock at each call: the expiry is a wall-clock time, and tests skew it.
  return Math.floor(Date.now() / 1000);
}

/**
 * Short-lived download links: a token `<payload>.<signature>` that names a tenant's export and
 * expires, signed with HMAC-SHA256. Whoever holds the link may download that export until it
 * expires, without a tenant header, so links can go in an email or a browser.
 *
 * Expiry allows `leewaySeconds` of clock skew on both sides: a link is still accepted that long
 * after it expired, and one issued up to that long "in the future" (by a server whose clock runs
 * ahead) is accepted too.
 *
 * @example
 * const links = new DownloadLinks({ secret: process.env.DOWNLOAD_LINK_SECRET! })
 * const { token } = links.sign({ tenantId, exportId })
 * links.verify(token) // { tenantId, exportId }, or throws link-expired / link-invalid
 */
export class DownloadLinks {
  readonly ttlSeconds: number;
  readonly leewaySeconds: number;
  readonly #secret: Uint8Array;

  constructor(options: DownloadLinkOptions) {
    this.#secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
    if (this.#secret.length < 32) throw new RangeError('A download link secret must be at least 32 bytes long.');
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS;
    this.leewaySeconds = options.leewaySeconds ?? DEFAULT_LINK_LEEWAY_SECONDS;
  }

  /** Sign a link to `claims`, valid for {@link DownloadLinks.ttlSeconds} from now. */
  sign(claims: DownloadClaims): SignedLink {
    const iat = nowSeconds();
    const payload: TokenPayload = { tid: claims.tenantId, eid: claims.exportId, iat, exp: iat + this.ttlSeconds };
    const encoded = base64url(JSON.stringify(payload));
    return { token: `${encoded}.${this.#signature(encoded)}`, expiresAt: new Date(payload.exp * 1000).toISOString() };
  }

  /**
   * The claims of a token this service signed, if it is still valid.
   *
   * @throws Problem `link-invalid` for a token that is malformed, not signed with this secret, or
   *   issued further in the future than the leeway; `link-expired` once the leeway after its expiry is over
   */
  verify(token: string): DownloadClaims {
    const [encoded, signature, ...rest] = token.split('.');
    const invalid = () => problem('link-invalid', 'The download link is not valid. Ask for a new export.');
    if (encoded === undefined || signature === undefined || rest.length > 0) throw invalid();
    const expected = Buffer.from(this.#signature(encoded));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as TokenPayload;
    const now = nowSeconds();
    if (payload.iat > now + this.leewaySeconds) {
      throw problem(
        'link-invalid',
        `The download link was issued ${payload.iat - now} s in the future: the clocks differ by more than ${this.leewaySeconds} s.`,
      );
    }
    if (now > payload.exp + this.leewaySeconds) {
      throw problem('link-expired', `The download link expired at ${new Date(payload.exp * 1000).toISOString()}. Ask for a new export.`);
    }
    return { tenantId: payload.tid, exportId: payload.eid };
  }

  #signature(encoded: string): string {
    return base64url(createHmac('sha256', this.#secret).update(encoded).digest());
  }
}
