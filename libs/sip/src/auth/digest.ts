import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatAuthHeader, parseAuthHeader, type AuthHeader } from '../message/header-values';
import type { SipRequest } from '../message/sip-message';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export interface DigestResponseInput {
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** HA1 of RFC 2617 §3.2.2.2 with MD5: what a server may store instead of the password. */
export function digestHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

/** RFC 2617 §3.2.2 / RFC 7616 §3.4.1 with MD5: the `response` value. */
export function digestResponse(input: DigestResponseInput): string {
  return digestResponseFromHa1(digestHa1(input.username, input.realm, input.password), input);
}

/** The `response` value from a stored HA1 (lower-case hex), without the password. */
export function digestResponseFromHa1(ha1: string, input: Omit<DigestResponseInput, 'username' | 'realm' | 'password'>): string {
  const ha2 = md5(`${input.method}:${input.uri}`);
  return input.qop
    ? md5(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
    : md5(`${ha1}:${input.nonce}:${ha2}`);
}

export type DigestVerdict =
  | { outcome: 'ok'; username: string }
  /** No (usable) credentials, or a stale nonce: answer 401 with `challenge`. */
  | { outcome: 'challenge'; challenge: string }
  /** Credentials present but wrong: 403. */
  | { outcome: 'forbidden'; username?: string; detail: string };

export interface DigestAuthenticatorOptions {
  realm: string;
  /** Signs nonces so they need no server state; random per process when omitted. */
  secret?: Buffer;
  nonceTtlMs?: number;
  /** The password of a user in the realm, or undefined when the user is unknown. */
  lookupPassword?(username: string): string | undefined | Promise<string | undefined>;
  /**
   * Instead of `lookupPassword`: the user's HA1, `MD5(username:realm:password)` in hex, for
   * stores that never keep the password. Used when `lookupPassword` is absent.
   */
  lookupHa1?(username: string): string | undefined | Promise<string | undefined>;
}

/**
 * Server side of SIP digest authentication (RFC 3261 §22, RFC 2617 MD5 with qop=auth). Nonces
 * carry their issue time and an HMAC, so expiry is checked without storing them.
 */
export class DigestAuthenticator {
  private readonly secret: Buffer;
  private readonly ttl: number;

  constructor(private readonly options: DigestAuthenticatorOptions) {
    this.secret = options.secret ?? randomBytes(32);
    this.ttl = options.nonceTtlMs ?? 5 * 60_000;
    if (!options.lookupPassword && !options.lookupHa1) throw new Error('DigestAuthenticator needs lookupPassword or lookupHa1');
  }

  get realm(): string {
    return this.options.realm;
  }

  challenge(now: number, stale = false): string {
    const params = new Map<string, string>([
      ['realm', this.options.realm],
      ['nonce', this.nonce(now)],
      ['algorithm', 'MD5'],
      ['qop', 'auth'],
    ]);
    if (stale) params.set('stale', 'true');
    return formatAuthHeader({ scheme: 'Digest', params }, true);
  }

  async verify(request: SipRequest, now: number, headerName = 'authorization'): Promise<DigestVerdict> {
    const header = request.headers
      .getAll(headerName)
      .map(parseAuthHeader)
      .find((h) => h.scheme.toLowerCase() === 'digest' && h.params.get('realm') === this.options.realm);
    if (!header) return { outcome: 'challenge', challenge: this.challenge(now) };
    const p = (name: string): string => header.params.get(name) ?? '';
    const username = p('username');
    const algorithm = p('algorithm') || 'MD5';
    if (!username || !p('nonce') || !p('uri') || !p('response')) {
      return { outcome: 'forbidden', username, detail: 'incomplete credentials' };
    }
    if (algorithm.toUpperCase() !== 'MD5') return { outcome: 'challenge', challenge: this.challenge(now) };
    const nonceState = this.checkNonce(p('nonce'), now);
    if (nonceState === 'forged') return { outcome: 'challenge', challenge: this.challenge(now) };
    const qop = p('qop');
    if (qop && (qop !== 'auth' || !/^[0-9a-fA-F]{8}$/.test(p('nc')) || !p('cnonce'))) {
      return { outcome: 'forbidden', username, detail: 'unsupported qop or missing nc/cnonce' };
    }
    const ha1 = await this.ha1Of(username);
    if (ha1 === undefined) return { outcome: 'forbidden', username, detail: 'unknown user' };
    const expected = digestResponseFromHa1(ha1, {
      method: request.method,
      uri: p('uri'),
      nonce: p('nonce'),
      qop: qop || undefined,
      nc: p('nc'),
      cnonce: p('cnonce'),
    });
    if (!safeEqual(expected, p('response').toLowerCase())) return { outcome: 'forbidden', username, detail: 'wrong credentials' };
    // Right password on an expired nonce: ask again without making the phone prompt the user.
    if (nonceState === 'expired') return { outcome: 'challenge', challenge: this.challenge(now, true) };
    return { outcome: 'ok', username };
  }

  private async ha1Of(username: string): Promise<string | undefined> {
    if (this.options.lookupPassword) {
      const password = await this.options.lookupPassword(username);
      return password === undefined ? undefined : digestHa1(username, this.options.realm, password);
    }
    const ha1 = await this.options.lookupHa1?.(username);
    return ha1 === undefined ? undefined : ha1.toLowerCase();
  }

  private nonce(now: number): string {
    const stamp = now.toString(16);
    return `${stamp}.${this.sign(stamp)}`;
  }

  private checkNonce(nonce: string, now: number): 'valid' | 'expired' | 'forged' {
    const [stamp, signature] = nonce.split('.');
    if (!stamp || !signature || !/^[0-9a-f]+$/.test(stamp) || !safeEqual(this.sign(stamp), signature)) return 'forged';
    const issued = parseInt(stamp, 16);
    return now - issued > this.ttl || issued > now + 60_000 ? 'expired' : 'valid';
  }

  private sign(stamp: string): string {
    return createHmac('sha256', this.secret).update(`${this.options.realm}:${stamp}`).digest('base64url').slice(0, 22);
  }
}

/** Client side: the Authorization value answering a WWW-/Proxy-Authenticate challenge. */
export function authorizationFor(
  challengeValue: string,
  credentials: { username: string; password: string },
  method: string,
  uri: string,
  nc = 1,
): string {
  const challenge = parseAuthHeader(challengeValue);
  const realm = challenge.params.get('realm') ?? '';
  const nonce = challenge.params.get('nonce') ?? '';
  const offered = (challenge.params.get('qop') ?? '').split(',').map((q) => q.trim());
  const qop = offered.includes('auth') ? 'auth' : undefined;
  const ncText = nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = digestResponse({ ...credentials, realm, method, uri, nonce, qop, nc: ncText, cnonce });
  const params = new Map<string, string>([
    ['username', credentials.username],
    ['realm', realm],
    ['nonce', nonce],
    ['uri', uri],
    ['response', response],
    ['algorithm', 'MD5'],
  ]);
  if (qop) {
    params.set('qop', qop);
    params.set('nc', ncText);
    params.set('cnonce', cnonce);
  }
  const opaque = challenge.params.get('opaque');
  if (opaque !== undefined) params.set('opaque', opaque);
  return formatAuthHeader({ scheme: 'Digest', params } satisfies AuthHeader);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
