export interface ServiceTokenOptions {
  /** The identity provider's token endpoint, e.g. `<issuer>/protocol/openid-connect/token`. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly now?: () => number;
}

/** Renew this long before expiry, or at half the lifetime for short-lived tokens. */
const RENEW_MARGIN_MS = 30_000;

/**
 * The service's own access token (OAuth 2.0 client-credentials grant), for calls to other
 * services. One request at a time; the token is reused until shortly before it expires.
 */
export class ServiceTokenSource {
  private current?: { token: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: ServiceTokenOptions) {}

  token(): Promise<string> {
    const now = this.now();
    if (this.current && now < this.current.renewAt) return Promise.resolve(this.current.token);
    this.pending ??= this.request().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The callee refused the token (revoked, keys rotated): the next call fetches a new one. */
  invalidate(): void {
    this.current = undefined;
  }

  private async request(): Promise<string> {
    const startedAt = this.now();
    const response = await fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new Error(`client-credentials token for ${this.options.clientId} refused: ${response.status} ${String(body.error ?? '')}`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60) * 1000;
    this.current = { token: body.access_token, renewAt: startedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
    return body.access_token;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
