import { ConfigError } from '@contactcenter/config';
import { loadRoutingConfig } from './config';

const required = {
  ROUTING_DATABASE_URL: 'postgres://cc_app@db/routing',
  ROUTING_MIGRATION_DATABASE_URL: 'postgres://cc_owner@db/routing',
  ROUTING_RELAY_DATABASE_URL: 'postgres://cc_relay@db/routing',
  ROUTING_OIDC_ISSUER: 'http://keycloak/realms/contact-center',
};

describe(loadRoutingConfig.name, () => {
  it('defaults every optional setting', () => {
    const sut = loadRoutingConfig(required);

    expect(sut).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], consumerGroup: 'routing', snapshotEvery: 100, preferredAgentWindowMs: 30_000, httpPort: 8080 });
  });

  it('lists every problem at once, typos included', () => {
    const error = (() => {
      try {
        loadRoutingConfig({ ROUTING_SNAPSHOT_EVERY: '0', ROUTING_SNAPSHOTS: '5' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      'ROUTING_DATABASE_URL is required',
      'ROUTING_MIGRATION_DATABASE_URL is required',
      'ROUTING_OIDC_ISSUER is required',
      'ROUTING_RELAY_DATABASE_URL is required',
      'ROUTING_SNAPSHOT_EVERY=0 must be an integer in [1, 1000000]',
      expect.stringMatching(/^ROUTING_SNAPSHOTS is not a known setting/),
    ]);
  });
});
