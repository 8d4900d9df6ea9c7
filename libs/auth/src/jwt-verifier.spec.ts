import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, AuthFailureReason } from './auth-error';
import { DevIdentityProvider, TokenSpec } from './dev-identity-provider';
import { JwtVerifier, JwtVerifierOptions } from './jwt-verifier';

const agent: TokenSpec = {
  subject: 'a1',
  username: 'bpo-agent-north',
  workspaceId: 'globalbpo',
  tenants: ['northwind'],
  roles: ['agent'],
};

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected the token to be rejected');
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe(JwtVerifier.name, () => {
  let idp: DevIdentityProvider;
  let otherIdp: DevIdentityProvider;
  let sut: JwtVerifier;
  const options = (overrides: Partial<JwtVerifierOptions> = {}): JwtVerifierOptions => ({
    issuer: idp.issuer,
    audience: 'contact-center-api',
    jwksUri: idp.jwksUri,
    clockToleranceSec: 0,
    ...overrides,
  });

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([DevIdentityProvider.start(), DevIdentityProvider.start()]);
  });
  afterAll(() => Promise.all([idp.close(), otherIdp.close()]));
  beforeEach(() => {
    sut = new JwtVerifier(options());
  });

  it('accepts a valid token and returns its claims', async () => {
    const payload = await sut.verify(await idp.issueToken(agent));

    expect(payload).toMatchObject({ sub: 'a1', iss: idp.issuer, tenants: ['northwind'], organization: ['globalbpo'] });
  });

  it('accepts a token whose audience list includes ours', async () => {
    const token = await idp.issueToken({ ...agent, audience: ['account', 'contact-center-api'] });

    await expect(sut.verify(token)).resolves.toMatchObject({ sub: 'a1' });
  });

  it('discovers the JWKS from the issuer when no key source is configured', async () => {
    sut = new JwtVerifier(options({ jwksUri: undefined }));

    await expect(sut.verify(await idp.issueToken(agent))).resolves.toMatchObject({ sub: 'a1' });
  });

  it('verifies against a fixed key set', async () => {
    sut = new JwtVerifier(options({ jwksUri: undefined, jwks: idp.jwks() }));

    await expect(sut.verify(await idp.issueToken(agent))).resolves.toMatchObject({ sub: 'a1' });
  });

  it.each<[string, () => Promise<string | undefined>, AuthFailureReason]>([
    ['missing', async () => undefined, 'token-missing'],
    ['empty', async () => '', 'token-missing'],
    ['not a JWT', async () => 'opaque-token', 'token-malformed'],
    ['expired', () => idp.issueToken({ ...agent, expiresInSec: -1 }), 'token-expired'],
    ['for another audience', () => idp.issueToken({ ...agent, audience: 'account' }), 'wrong-audience'],
    ['from another issuer (same key)', () => idp.issueToken({ ...agent, issuer: 'http://evil.example' }), 'wrong-issuer'],
    ['from another identity provider', () => otherIdp.issueToken(agent), 'wrong-issuer'],
    ['signed by an unknown key under our issuer', () => otherIdp.issueToken({ ...agent, issuer: idp.issuer }), 'unknown-signing-key'],
  ])('rejects a token that is %s', async (_case, token, reason) => {
    const error = await rejection(sut.verify(await token()));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.reason).toBe(reason);
    expect(error.toGrpcStatus()).toBe(16);
  });

  it('rejects a token whose payload was tampered with', async () => {
    const [header, payload, signature] = (await idp.issueToken(agent)).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${base64url({ ...claims, tenants: ['northwind', 'contoso'] })}.${signature}`;

    const error = await rejection(sut.verify(tampered));

    expect(error.reason).toBe('bad-signature');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'a1', iss: idp.issuer, aud: 'contact-center-api', exp: 4102444800 })}.`;

    const error = await rejection(sut.verify(token));

    expect(error.reason).toBe('algorithm-not-allowed');
  });

  it('tolerates the configured clock skew', async () => {
    const token = await idp.issueToken({ ...agent, expiresInSec: -2 });
    sut = new JwtVerifier(options({ clockToleranceSec: 30 }));

    await expect(sut.verify(token)).resolves.toMatchObject({ sub: 'a1' });
  });

  it('says the signing keys are unavailable when the JWKS endpoint is down', async () => {
    const down = createServer((_request, response) => response.writeHead(503).end());
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const { port } = down.address() as AddressInfo;
    sut = new JwtVerifier(options({ jwksUri: `http://127.0.0.1:${port}/certs` }));

    const error = await rejection(sut.verify(await idp.issueToken(agent)));
    down.close();

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.reason).toBe('signing-keys-unavailable');
  });

  it('retries discovery after a failed attempt instead of caching the outage', async () => {
    let requests = 0;
    const flaky = createServer((_request, response) => {
      requests += 1;
      if (requests === 1) return void response.writeHead(503).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jwks_uri: idp.jwksUri }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    sut = new JwtVerifier(options({ jwksUri: undefined, issuer }));
    const token = await idp.issueToken({ ...agent, issuer });

    const first = await rejection(sut.verify(token));
    const second = await sut.verify(token);
    flaky.close();

    expect(first.reason).toBe('signing-keys-unavailable');
    expect(second).toMatchObject({ sub: 'a1', iss: issuer });
  });
});
