import { demoDirectory } from './demo-directory';

describe(demoDirectory.name, () => {
  it('holds the demo workspaces of the Keycloak realm', () => {
    expect(demoDirectory().workspaces).toEqual([
      { id: 'acme', tenants: ['acme'] },
      { id: 'globalbpo', tenants: ['northwind', 'contoso'] },
    ]);
  });

  it('holds every demo user', () => {
    expect(demoDirectory().users.map((user) => user.username)).toEqual([
      'acme-admin',
      'acme-supervisor',
      'acme-agent',
      'bpo-agent-north',
      'bpo-agent-contoso',
      'bpo-agent-both',
      'bpo-supervisor',
      'bpo-lead',
      'bpo-admin',
      'platform-admin',
    ]);
  });
});
