import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JSONWebKeySet, JWK, KeyLike, SignJWT } from 'jose';
import type { Role } from './roles';

export const DEFAULT_AUDIENCE = 'contact-center-api';
const JWKS_PATH = '/protocol/openid-connect/certs';
const TOKEN_PATH = '/protocol/openid-connect/token';
const SERVICE_TOKEN_SECONDS = 300;

/** A confidential client that may use the client-credentials grant, as a Keycloak service account. */
export interface ServiceClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `<issuer>/protocol/openid-connect/token`. */
  readonly tokenUrl: string;
}

interface TokenAnswer {
  readonly status: number;
  readonly body: object;
}

export interface TokenSpec {
  readonly subject: string;
  readonly username?: string;
  /** Organization alias(es); several model a user in more than one workspace. */
  readonly workspaceId?: string | readonly string[];
  /** Keycloak's two shapes of the `organization` claim: a list of aliases or a map by alias. */
  readonly organizationForm?: 'aliases' | 'map';
  readonly tenants?: readonly string[];
  /** Realm roles; unknown names (e.g. Keycloak's default roles) are passed through as-is. */
  readonly roles?: readonly (Role | string)[];
  /** Lifetime from now; zero or negative issues an already expired token. */
  readonly expiresInSec?: number;
  readonly audience?: string | readonly string[];
  /** Overrides `iss` while still signing with this provider's key. */
  readonly issuer?: string;
  /** The `azp` claim: which client asked for the token. */
  readonly clientId?: string;
}

export interface DemoUser {
  readonly username: string;
  readonly subject: string;
  readonly workspaceId?: string;
  readonly tenants: readonly string[];
  readonly roles: readonly Role[];
}

export interface DevIdentityProviderOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

/** A stable UUID per name (version-5 layout), so demo users keep their subject across restarts. */
function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(`contact-center-dev-idp:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const demoUser = (username: string, workspaceId: string | undefined, tenants: string[], role: Role): DemoUser => ({
  username,
  subject: stableUuid(username),
  workspaceId,
  tenants,
  roles: [role],
});

/** The demo users of deploy/keycloak/contact-center-realm.json (password `demo` there). */
export function demoUsers(): DemoUser[] {
  const bpo = ['northwind', 'contoso'];
  return [
    demoUser('acme-admin', 'acme', ['acme'], 'tenant-admin'),
    demoUser('acme-supervisor', 'acme', ['acme'], 'supervisor'),
    demoUser('acme-agent', 'acme', ['acme'], 'agent'),
    demoUser('bpo-agent-north', 'globalbpo', ['northwind'], 'agent'),
    demoUser('bpo-agent-contoso', 'globalbpo', ['contoso'], 'agent'),
    demoUser('bpo-agent-both', 'globalbpo', bpo, 'agent'),
    demoUser('bpo-supervisor', 'globalbpo', bpo, 'supervisor'),
    demoUser('bpo-lead', 'globalbpo', bpo, 'team-lead'),
    demoUser('bpo-admin', 'globalbpo', bpo, 'tenant-admin'),
    demoUser('platform-admin', undefined, [], 'platform-admin'),
  ];
}

function organizationClaim(spec: TokenSpec): string[] | Record<string, { id: string }> | undefined {
  if (spec.workspaceId === undefined) return undefined;
  const aliases = [spec.workspaceId].flat();
  if (spec.organizationForm !== 'map') return aliases;
  return Object.fromEntries(aliases.map((alias) => [alias, { id: stableUuid(`organization:${alias}`) }]));
}

/**
 * A development identity provider for embedded mode and tests: one RS256 key, OpenID discovery
 * and JWKS over HTTP, and tokens with the same claims as the Keycloak realm issues.
 */
export class DevIdentityProvider {
  private readonly serviceClients = new Map<string, { readonly secret: Buffer; readonly roles: readonly string[] }>();

  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyLike,
    private readonly publicJwk: JWK,
    readonly issuer: string,
  ) {}

  static async start(options: DevIdentityProviderOptions = {}): Promise<DevIdentityProvider> {
    const host = options.host ?? '127.0.0.1';
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const provider = new DevIdentityProvider(server, privateKey, publicJwk, `http://${host}:${port}`);
    server.on('request', (request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const answer: Promise<TokenAnswer> =
        request.method === 'POST' && path === TOKEN_PATH
          ? readForm(request).then((form) => provider.grant(form))
          : Promise.resolve(((body) => (body ? { status: 200, body } : { status: 404, body: { error: 'not_found' } }))(provider.route(request.method ?? 'GET', path)));
      void answer
        .catch(() => ({ status: 400, body: { error: 'invalid_request' } }))
        .then(({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(body));
        });
    });
    return provider;
  }

  get jwksUri(): string {
    return `${this.issuer}${JWKS_PATH}`;
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  async issueToken(spec: TokenSpec): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      typ: 'Bearer',
      azp: spec.clientId ?? 'contact-center-cli',
      scope: 'email profile organization',
      realm_access: { roles: [...(spec.roles ?? [])] },
    };
    // Keycloak leaves the claim out for users without the attribute (platform-admin, services).
    if (spec.tenants?.length) claims['tenants'] = [...spec.tenants];
    if (spec.username !== undefined) claims['preferred_username'] = spec.username;
    const organization = organizationClaim(spec);
    if (organization !== undefined) claims['organization'] = organization;
    const audience = spec.audience ?? DEFAULT_AUDIENCE;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.publicJwk.kid })
      .setIssuer(spec.issuer ?? this.issuer)
      .setSubject(spec.subject)
      .setAudience(typeof audience === 'string' ? audience : [...audience])
      .setIssuedAt(now)
      .setExpirationTime(now + (spec.expiresInSec ?? 300))
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /**
   * Registers a confidential client with a fresh secret: its client-credentials tokens carry
   * `roles` and no organization or tenants, like a Keycloak service account's.
   */
  registerServiceClient(clientId: string, roles: readonly string[]): ServiceClientCredentials {
    const clientSecret = randomBytes(24).toString('base64url');
    this.serviceClients.set(clientId, { secret: Buffer.from(clientSecret), roles: [...roles] });
    return { clientId, clientSecret, tokenUrl: `${this.issuer}${TOKEN_PATH}` };
  }

  /** A token for one of demoUsers(), with optional overrides (e.g. a short lifetime). */
  async issueDemoToken(username: string, overrides: Partial<TokenSpec> = {}): Promise<string> {
    const user = demoUsers().find((candidate) => candidate.username === username);
    if (!user) throw new Error(`no demo user named ${username}`);
    return this.issueToken({ ...user, ...overrides });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** The token endpoint: the client-credentials grant only, answered as RFC 6749 §5 says. */
  private async grant(form: URLSearchParams): Promise<TokenAnswer> {
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const clientId = form.get('client_id') ?? '';
    const client = this.serviceClients.get(clientId);
    const offered = Buffer.from(form.get('client_secret') ?? '');
    if (!client || offered.length !== client.secret.length || !timingSafeEqual(offered, client.secret)) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    const accessToken = await this.issueToken({
      subject: stableUuid(`service-account:${clientId}`),
      username: `service-account-${clientId}`,
      roles: client.roles,
      clientId,
      expiresInSec: SERVICE_TOKEN_SECONDS,
    });
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: SERVICE_TOKEN_SECONDS } };
  }

  private route(method: string, path: string): object | undefined {
    if (method !== 'GET') return undefined;
    if (path === '/.well-known/openid-configuration') {
      return {
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        token_endpoint: `${this.issuer}${TOKEN_PATH}`,
        grant_types_supported: ['client_credentials'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      };
    }
    if (path === JWKS_PATH) return this.jwks();
    return undefined;
  }
}

/** An `application/x-www-form-urlencoded` body, at most 16 KiB. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
