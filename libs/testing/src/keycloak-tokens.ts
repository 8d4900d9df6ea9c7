/*
 * Access-token claims of the demo realm, as verified against Keycloak 26.4.5 (password grant,
 * client contact-center-cli, user bpo-agent-both):
 *
 *   {
 *     "iss": "http://127.0.0.1:18080/realms/contact-center",
 *     "aud": "contact-center-api",              // a bare string while it is the only audience
 *     "sub": "<user uuid>", "typ": "Bearer", "azp": "contact-center-cli",
 *     "realm_access": { "roles": ["agent"] },   // only roles granted, no default roles
 *     "scope": "email profile organization",
 *     "organization": ["globalbpo"],            // organization aliases (= workspace ids)
 *     "tenants": ["northwind", "contoso"],      // always an array, also for one tenant
 *     "preferred_username": "bpo-agent-both",
 *     "email": "...", "email_verified": true, "name": "...", "given_name": "...", "family_name": "..."
 *   }
 *
 * platform-admin has neither `organization` nor `tenants`; the cc-service client-credentials
 * token has `realm_access.roles` = ["service"], preferred_username
 * "service-account-cc-service" and no organization or tenants. Tokens of contact-center-short
 * expire 2 seconds after `iat`.
 */
import { DEMO } from './builders';
import { stackEndpoints } from './stack-endpoints';

async function requestToken(form: Record<string, string>): Promise<string> {
  const response = await fetch(`${stackEndpoints().issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(
      `token request for ${form.username ?? form.client_id} failed: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`,
    );
  }
  return body.access_token;
}

/** A raw access token for a demo (or other) user through the password grant. */
export function passwordToken(
  username: string,
  options: { clientId?: string; password?: string } = {},
): Promise<string> {
  return requestToken({
    grant_type: 'password',
    client_id: options.clientId ?? DEMO.clients.cli,
    username,
    password: options.password ?? DEMO.password,
  });
}

/** A raw access token of the cc-service client (role `service`) through client credentials. */
export function serviceToken(): Promise<string> {
  return requestToken({
    grant_type: 'client_credentials',
    client_id: DEMO.clients.service.clientId,
    client_secret: DEMO.clients.service.secret,
  });
}
