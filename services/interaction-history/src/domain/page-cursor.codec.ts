import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidHistoryRequestError } from './history.errors';

const MAC_BYTES = 16;

/**
 * Opaque page tokens: the position of the last row served plus the query it belongs to,
 * signed with HMAC-SHA256. A token altered, forged, or replayed against another query (other
 * tenant, customer or filters) is refused, so callers cannot steer the keyset by hand.
 */
export class PageCursorCodec {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('the page-token secret needs at least 32 characters');
  }

  encode<P>(query: string, position: P): string {
    const body = Buffer.from(JSON.stringify({ q: query, p: position }), 'utf8');
    return `${body.toString('base64url')}.${this.mac(body).toString('base64url')}`;
  }

  /** The position of a token from `encode` for the same query; undefined for an empty token. */
  decode<P>(query: string, token: string | undefined): P | undefined {
    if (!token) return undefined;
    const invalid = () => new InvalidHistoryRequestError('page-token-invalid', 'the page token was altered or belongs to another query');
    const [bodyPart, macPart, extra] = token.split('.');
    if (!bodyPart || !macPart || extra !== undefined) throw invalid();
    const body = Buffer.from(bodyPart, 'base64url');
    const mac = Buffer.from(macPart, 'base64url');
    // The decoder skips stray characters; only the canonical spelling of a token is that token.
    if (body.toString('base64url') !== bodyPart || mac.toString('base64url') !== macPart) throw invalid();
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.mac(body))) throw invalid();
    const parsed = JSON.parse(body.toString('utf8')) as { q: string; p: P };
    if (parsed.q !== query) throw invalid();
    return parsed.p;
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}
