import { ConfigError } from '@contactcenter/config';
import { loadTelephonyConfig, serviceClientOf } from './config';

const required = {
  TELEPHONY_DATABASE_URL: 'postgres://cc_app@db/telephony',
  TELEPHONY_MIGRATION_DATABASE_URL: 'postgres://cc_owner@db/telephony',
  TELEPHONY_RELAY_DATABASE_URL: 'postgres://cc_relay@db/telephony',
  TELEPHONY_OIDC_ISSUER: 'http://keycloak/realms/contact-center',
};

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadTelephonyConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems as string[];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe(loadTelephonyConfig.name, () => {
  it('defaults every optional setting', () => {
    const sut = loadTelephonyConfig({ ...required, TELEPHONY_POD_ID: 'gw-1' });

    expect(sut).toMatchObject({ sipPort: 5060, sipTransport: 'both', rtpPortMin: 0, rtpPortMax: 0, maxConcurrentCalls: 500, agentRingTimeoutMs: 20_000, announceEveryMs: 30_000, routingGrpcUrl: '', podId: 'gw-1' });
  });

  it('lists every problem at once: missing, malformed, inconsistent and unknown settings', () => {
    const problems = problemsOf({ TELEPHONY_SIP_TRANSPORT: 'sctp', TELEPHONY_RTP_PORT_MIN: '20000', TELEPHONY_RTP_PORT_MAX: '20001', TELEPHONY_SIP_PROT: '5070' });

    expect(problems).toEqual([
      'TELEPHONY_DATABASE_URL is required',
      'TELEPHONY_MIGRATION_DATABASE_URL is required',
      'TELEPHONY_OIDC_ISSUER is required',
      'TELEPHONY_RELAY_DATABASE_URL is required',
      'TELEPHONY_SIP_TRANSPORT=sctp must be one of udp, tcp, both',
      expect.stringMatching(/^TELEPHONY_SIP_PROT is not a known setting/),
      'TELEPHONY_RTP_PORT_MIN=20000 and TELEPHONY_RTP_PORT_MAX=20001 must both be 0 or a range of at least 3 ports',
    ]);
  });

  it('asks routing for exact queue places only when routing and the service client are both configured', () => {
    const client = { TELEPHONY_SERVICE_CLIENT_ID: 'cc-telephony', TELEPHONY_SERVICE_CLIENT_SECRET: 's3cret' };

    expect(serviceClientOf(loadTelephonyConfig({ ...required, ...client, TELEPHONY_ROUTING_GRPC_URL: 'routing:50051' }))).toEqual({
      tokenUrl: 'http://keycloak/realms/contact-center/protocol/openid-connect/token',
      clientId: 'cc-telephony',
      clientSecret: 's3cret',
    });
    expect(serviceClientOf(loadTelephonyConfig({ ...required, ...client }))).toBeUndefined();
    expect(serviceClientOf(loadTelephonyConfig({ ...required, TELEPHONY_ROUTING_GRPC_URL: 'routing:50051', TELEPHONY_SERVICE_CLIENT_ID: 'cc-telephony' }))).toBeUndefined();
  });
});
