import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  JSONWebKeySet,
  JWTPayload,
  jwtVerify,
  JWTVerifyGetKey,
} from 'jose';
import { AuthError } from './auth-error';

export interface JwtVerifierOptions {
  /** Expected `iss`, e.g. http://127.0.0.1:18080/realms/contact-center. */
  readonly issuer: string;
  /** Accepted `aud` values; the token must name at least one. */
  readonly audience: string | readonly string[];
  /** JWKS endpoint; when neither this nor `jwks` is given it is discovered from the issuer. */
  readonly jwksUri?: string;
  /** A fixed key set (tests, embedded mode) instead of fetching one. */
  readonly jwks?: JSONWebKeySet;
  /** Allowed clock skew between us and the identity provider. */
  readonly clockToleranceSec?: number;
}

export const DEFAULT_CLOCK_TOLERANCE_SEC = 5;
const ALGORITHMS = ['RS256', 'ES256'];
const DISCOVERY_TIMEOUT_MS = 5000;

function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}

async function discoverJwksUri(issuer: string): Promise<URL> {
  // Same bound as jose's JWKS fetch, so a hung identity provider fails the request, not the process.
  const response = await fetch(discoveryUrl(issuer), { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`OpenID discovery for ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`OpenID discovery for ${issuer} has no jwks_uri`);
  return new URL(document.jwks_uri);
}

const wrongIssuer = (actual: unknown, expected: string) =>
  AuthError.unauthenticated('wrong-issuer', `token issuer ${String(actual)} is not ${expected}`);

const keysUnavailable = (where: string, error: unknown) =>
  AuthError.unauthenticated('signing-keys-unavailable', `cannot load ${where}: ${(error as Error).message}`);

function translate(error: unknown, options: JwtVerifierOptions): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'unknown';
    return AuthError.unauthenticated('token-expired', `token expired at ${exp}`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return wrongIssuer(error.payload.iss, options.issuer);
      case 'aud': {
        const expected = [options.audience].flat().join(' or ');
        const actual = JSON.stringify(error.payload.aud ?? null);
        return AuthError.unauthenticated('wrong-audience', `token audience ${actual} does not include ${expected}`);
      }
      case 'nbf':
        return AuthError.unauthenticated('token-not-yet-valid', 'token is not valid yet');
      default:
        return AuthError.unauthenticated('invalid-claims', `claim ${error.claim}: ${error.message}`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return AuthError.unauthenticated('bad-signature', 'token signature does not verify');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return AuthError.unauthenticated('unknown-signing-key', 'no key of the identity provider matches the token');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return AuthError.unauthenticated('algorithm-not-allowed', `only ${ALGORITHMS.join(', ')} are accepted`);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return AuthError.unauthenticated('token-malformed', detail);
}

/**
 * Verifies access tokens against the identity provider's JWKS with `jose` (ADR 0006). Every
 * failure becomes an UNAUTHENTICATED AuthError whose reason says exactly what was wrong.
 */
export class JwtVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly options: JwtVerifierOptions) {}

  async verify(token: string | undefined | null): Promise<JWTPayload> {
    if (!token) throw AuthError.unauthenticated('token-missing', 'no bearer token in the request');
    let unverified: JWTPayload;
    try {
      decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch (error) {
      throw AuthError.unauthenticated('token-malformed', `not a signed JWT (${(error as Error).message})`);
    }
    // Checked before the signature so a token from another identity provider gets this reason
    // rather than "unknown signing key"; only ever used to reject.
    if (unverified.iss !== this.options.issuer) {
      throw wrongIssuer(unverified.iss, this.options.issuer);
    }
    try {
      const { payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: [this.options.audience].flat(),
        algorithms: ALGORITHMS,
        clockTolerance: this.options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (error) {
      throw translate(error, this.options);
    }
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.resolveKeySet().catch((error: unknown) => {
      // Let the next request retry discovery instead of caching the outage.
      this.keys = undefined;
      throw keysUnavailable("the identity provider's keys", error);
    });
    return this.keys;
  }

  private async resolveKeySet(): Promise<JWTVerifyGetKey> {
    if (this.options.jwks) return createLocalJWKSet(this.options.jwks);
    const uri = this.options.jwksUri ? new URL(this.options.jwksUri) : await discoverJwksUri(this.options.issuer);
    const remote = createRemoteJWKSet(uri);
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) throw error;
        throw keysUnavailable(uri.href, error);
      }
    };
  }
}
