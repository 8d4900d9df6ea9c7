import type { DemoDirectory } from './demo-directory';

export interface StartupInfo {
  readonly grpcAddress: string;
  readonly grpcServices: readonly string[];
  readonly httpBaseUrl: string;
  readonly sipAddress: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string;
  readonly postgresUrl: string;
  readonly dataDir: string;
  readonly tokensFile: string;
  readonly tokenExpiry: Date;
  readonly directory: DemoDirectory;
  /** Demo token by username. */
  readonly tokens: Readonly<Record<string, string>>;
}

/** The human-readable block printed once the host is up: where everything is, and how to call it. */
export function formatStartupBanner(info: StartupInfo): string {
  const rule = '─'.repeat(78);
  const row = (label: string, value: string) => `  ${label.padEnd(12)}${value}`;
  const lines = [
    rule,
    '  Contact center — all-in-one is running',
    rule,
    row('gRPC', `${info.grpcAddress}  (server reflection on)`),
    ...info.grpcServices.map((service) => row('', `· ${service}`)),
    row('HTTP', `${info.httpBaseUrl}/healthz  ${info.httpBaseUrl}/readyz  ${info.httpBaseUrl}/metrics`),
    row('SIP', `${info.sipAddress}  demo number +4930120000 answers with the sample IVR`),
    row('Web chat', `${info.httpBaseUrl}/webchat/widget.js  (create a webchat channel account, then open /webchat/demo/<widget id>)`),
    row('Identity', `issuer   ${info.issuer}`),
    row('', `JWKS     ${info.jwksUri}`),
    row('', `audience ${info.audience}`),
    row('Postgres', info.postgresUrl),
    row('Data', `${info.dataDir}  (reset: stop the host, then rm -rf ${info.dataDir})`),
    '',
    '  Demo workspaces',
    ...info.directory.workspaces.map((workspace) => `    ${workspace.id.padEnd(12)}tenants: ${workspace.tenants.join(', ')}`),
    '',
    `  Demo users and tokens (valid until ${info.tokenExpiry.toISOString()}; also in ${info.tokensFile})`,
    '  Send them as gRPC metadata `authorization: Bearer <token>` plus `x-tenant-id: <tenant>`.',
    ...info.directory.users.flatMap((user) => [
      '',
      `    ${user.username.padEnd(20)}${user.roles.join(', ').padEnd(16)}workspace ${(user.workspaceId ?? '-').padEnd(11)}tenants ${user.tenants.join(', ') || '-'}`,
      `    ${info.tokens[user.username]}`,
    ]),
    rule,
  ];
  return `${lines.join('\n')}\n`;
}
