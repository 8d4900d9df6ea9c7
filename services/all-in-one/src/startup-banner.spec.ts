import { demoDirectory } from './demo-directory';
import { formatStartupBanner, type StartupInfo } from './startup-banner';

describe(formatStartupBanner.name, () => {
  const info: StartupInfo = {
    grpcAddress: 'localhost:50051',
    grpcServices: ['diagnostics (contactcenter.platform.v1)'],
    httpBaseUrl: 'http://localhost:8080',
    sipAddress: 'sip:localhost:5060 (UDP and TCP)',
    issuer: 'http://127.0.0.1:18081',
    jwksUri: 'http://127.0.0.1:18081/protocol/openid-connect/certs',
    audience: 'contact-center-api',
    postgresUrl: 'postgres://postgres:postgres@127.0.0.1:54329/contactcenter',
    dataDir: '/srv/cc/.data',
    tokensFile: '/srv/cc/.data/demo-tokens.json',
    tokenExpiry: new Date('2030-01-01T12:00:00Z'),
    directory: demoDirectory(),
    tokens: Object.fromEntries(demoDirectory().users.map((user) => [user.username, `token-of-${user.username}`])),
  };

  it('lists every endpoint, workspace and demo token', () => {
    const sut = formatStartupBanner(info);

    expect(sut).toContain('localhost:50051');
    expect(sut).toContain('http://localhost:8080/healthz');
    expect(sut).toContain('http://localhost:8080/metrics');
    expect(sut).toContain('JWKS     http://127.0.0.1:18081/protocol/openid-connect/certs');
    expect(sut).toContain('postgres://postgres:postgres@127.0.0.1:54329/contactcenter');
    expect(sut).toMatch(/globalbpo\s+tenants: northwind, contoso/);
    expect(sut).toContain('valid until 2030-01-01T12:00:00.000Z');
    for (const user of info.directory.users) expect(sut).toContain(`token-of-${user.username}`);
  });
});
