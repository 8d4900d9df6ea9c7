import { envVarNames, flag, integer, oneOf, port, readEnvConfig, SERVICE_SETTINGS, type ServiceConfig, text, type Settings } from '@contactcenter/config';

/** Settings of the standalone gateway; every one comes from an env var prefixed `TELEPHONY_`. */
export interface TelephonyConfig extends ServiceConfig {
  readonly relayDatabaseUrl: string;
  /** Address the SIP socket binds. */
  readonly sipHost: string;
  readonly sipPort: number;
  readonly sipTransport: 'udp' | 'tcp' | 'both';
  /** Address written in Via/Contact/SDP when the bound one is not reachable (NAT, 0.0.0.0). */
  readonly publicAddress: string;
  /** Digest realm agent phones register in: their stored HA1 is MD5(username:realm:password). */
  readonly sipRealm: string;
  readonly rtpHost: string;
  readonly rtpPortMin: number;
  readonly rtpPortMax: number;
  /** Media only from each call's peer; other sources' datagrams are dropped (strict RTP). */
  readonly strictRtp: boolean;
  readonly recordingsDir: string;
  readonly promptsDir: string;
  /** Calls (answered or ringing) this pod carries before answering 503. */
  readonly maxConcurrentCalls: number;
  /** How long a draining pod waits for its calls before it stops anyway. */
  readonly drainTimeoutMs: number;
  /** How long the agent's phone may ring before the call goes back to routing. */
  readonly agentRingTimeoutMs: number;
  /** Music between a waiting caller's position / expected-wait announcements. */
  readonly announceEveryMs: number;
  /** SIP URI of the trunk for transfers to a number (empty: only SIP URI targets). */
  readonly trunkUri: string;
  /** Routing's gRPC address for BlindTransfer to a queue or agent (empty: those transfers are refused). */
  readonly routingGrpcUrl: string;
  /** This gateway's Keycloak client (client credentials, `service` role) for routing's GetQueueSnapshot; empty: announcements from the queue board. */
  readonly serviceClientId: string;
  readonly serviceClientSecret: string;
  /** This pod's id: its consumer group, so every pod sees the assignments of the calls it holds. */
  readonly podId: string;
}

const PREFIX = 'TELEPHONY_';

const settings = {
  ...SERVICE_SETTINGS,
  relayDatabaseUrl: ['RELAY_DATABASE_URL', text()],
  sipHost: ['SIP_HOST', text('0.0.0.0')],
  sipPort: ['SIP_PORT', port(5060)],
  sipTransport: ['SIP_TRANSPORT', oneOf(['udp', 'tcp', 'both'] as const, 'both')],
  publicAddress: ['PUBLIC_ADDRESS', text('127.0.0.1')],
  sipRealm: ['SIP_REALM', text('contactcenter')],
  rtpHost: ['RTP_HOST', text('0.0.0.0')],
  rtpPortMin: ['RTP_PORT_MIN', integer(0, 0, 65535)],
  rtpPortMax: ['RTP_PORT_MAX', integer(0, 0, 65535)],
  strictRtp: ['STRICT_RTP', flag(true)],
  recordingsDir: ['RECORDINGS_DIR', text('/var/lib/contactcenter/recordings')],
  promptsDir: ['PROMPTS_DIR', text('services/telephony-gateway/prompts')],
  maxConcurrentCalls: ['MAX_CONCURRENT_CALLS', integer(500, 1, 100_000)],
  drainTimeoutMs: ['DRAIN_TIMEOUT_MS', integer(3_600_000, 0, 86_400_000)],
  agentRingTimeoutMs: ['AGENT_RING_TIMEOUT_MS', integer(20_000, 1_000, 300_000)],
  announceEveryMs: ['ANNOUNCE_EVERY_MS', integer(30_000, 1_000, 600_000)],
  trunkUri: ['TRUNK_URI', text('')],
  routingGrpcUrl: ['ROUTING_GRPC_URL', text('')],
  serviceClientId: ['SERVICE_CLIENT_ID', text('')],
  serviceClientSecret: ['SERVICE_CLIENT_SECRET', text('')],
  podId: ['POD_ID', text(process.env.HOSTNAME ?? 'telephony-0')],
} as const satisfies Settings;

export const TELEPHONY_ENV_VARS = envVarNames(PREFIX, settings);

/** The gateway's own client for routing's GetQueueSnapshot, once routing and the client are both configured. */
export function serviceClientOf(config: TelephonyConfig): { tokenUrl: string; clientId: string; clientSecret: string } | undefined {
  if (!config.routingGrpcUrl || !config.serviceClientId || !config.serviceClientSecret) return undefined;
  return {
    tokenUrl: `${config.oidcIssuer.replace(/\/+$/, '')}/protocol/openid-connect/token`,
    clientId: config.serviceClientId,
    clientSecret: config.serviceClientSecret,
  };
}

/** Reads and validates everything at once (a ConfigError lists every problem). */
export function loadTelephonyConfig(env: NodeJS.ProcessEnv = process.env): TelephonyConfig {
  return readEnvConfig('telephony-gateway', PREFIX, settings, env, ({ rtpPortMin, rtpPortMax }) =>
    // 0/0 lets the OS choose; a range needs room for at least one call's two legs.
    rtpPortMin !== undefined && rtpPortMax !== undefined && (rtpPortMin !== 0 || rtpPortMax !== 0) && (rtpPortMin === 0 || rtpPortMax < rtpPortMin + 2)
      ? [`TELEPHONY_RTP_PORT_MIN=${rtpPortMin} and TELEPHONY_RTP_PORT_MAX=${rtpPortMax} must both be 0 or a range of at least 3 ports`]
      : [],
  );
}
