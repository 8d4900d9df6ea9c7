import type { EmailChannelOptions } from './app/email/email-channel';
import type { WebChatModuleOptions } from './channel.module';
import { parseAllowedHosts } from './domain/outbound-address.policy';
import { envVarNames, flag, integer, list, oneOf, port, readEnvConfig, SERVICE_SETTINGS, type ServiceConfig, secret, text, type Reader, type Settings } from '@contactcenter/config';

/** Settings of the standalone channel-ingestion service; every one comes from an env var prefixed `CHANNELS_`. */
export interface ChannelsConfig extends ServiceConfig {
  /** The same database as the relay role (cc_relay), which publishes the outbox. */
  readonly relayDatabaseUrl: string;
  readonly consumerGroup: string;
  /** Encrypts channel-account secrets at rest (AES-256-GCM); every instance needs the same one. */
  readonly secretsKey: string;
  /** The public URL providers call, e.g. https://cc.example.com (Twilio signs it). */
  readonly publicBaseUrl?: string;
  readonly defaultRatePerSecond: number;
  readonly tenantRatePerSecond: number;
  readonly maxWebhookBytes: number;
  readonly maxAttachmentBytes: number;
  readonly twilioApiUrl: string;
  readonly graphApiUrl: string;
  readonly lineApiUrl: string;
  /** LINE's content host, where message media is fetched from. */
  readonly lineDataApiUrl: string;
  readonly telegramApiUrl: string;
  /** Signs web-chat visitors' session tokens; derived from the secrets key when empty. */
  readonly webchatSessionSecret: string;
  /** Runs the inbound MX (smtp-server) for hosted addresses and @domains. */
  readonly smtpInboundEnabled: boolean;
  readonly smtpInboundHost: string;
  readonly smtpInboundPort: number;
  readonly smtpServerName: string;
  readonly smtpMaxMessageBytes: number;
  /** PEM files for STARTTLS on the MX; without them STARTTLS is not offered. */
  readonly smtpTlsKeyFile: string;
  readonly smtpTlsCertFile: string;
  /** The relay e-mail replies go through; e-mail is off while it is empty. */
  readonly smtpRelayHost: string;
  readonly smtpRelayPort: number;
  readonly smtpRelaySecure: boolean;
  readonly smtpRelayUser: string;
  readonly smtpRelayPassword: string;
  /** Domain of the Message-IDs of our replies. */
  readonly mailMessageIdDomain: string;
  readonly imapPollIntervalMs: number;
  /** Routing's gRPC address (host:port): waiting web-chat visitors get routing's exact place and wait estimate. Empty: approximated. */
  readonly routingGrpcUrl: string;
  /** The service's own OIDC client (client-credentials grant) for calls to routing; its account needs a role GetQueueSnapshot accepts. */
  readonly serviceClientId: string;
  readonly serviceClientSecret: string;
  /** `host` or `host:port` entries whose private addresses media and attachment URLs and tenants' mail servers may reach (tests, on-prem gateways); default none. */
  readonly fetchAllowPrivateHosts: readonly string[];
}

const PREFIX = 'CHANNELS_';

const optionalUrl: Reader<string | undefined> = (raw, name) => {
  if (raw === undefined || raw === '') return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new Error(`${name}=${raw} must be an http(s) URL`);
  return raw.replace(/\/+$/, '');
};

const allowedHosts: Reader<string[]> = (raw, name) => {
  const hosts = list('')(raw, name);
  try {
    parseAllowedHosts(hosts);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
  return hosts;
};

const settings = {
  ...SERVICE_SETTINGS,
  relayDatabaseUrl: ['RELAY_DATABASE_URL', text()],
  consumerGroup: ['CONSUMER_GROUP', text('channel-ingestion')],
  secretsKey: ['SECRETS_KEY', secret(32)],
  publicBaseUrl: ['PUBLIC_BASE_URL', optionalUrl],
  defaultRatePerSecond: ['DEFAULT_RATE_PER_SECOND', integer(100, 1, 100_000)],
  tenantRatePerSecond: ['TENANT_RATE_PER_SECOND', integer(5_000, 1, 1_000_000)],
  maxWebhookBytes: ['MAX_WEBHOOK_BYTES', integer(8 * 1024 * 1024, 1024, 64 * 1024 * 1024)],
  maxAttachmentBytes: ['MAX_ATTACHMENT_BYTES', integer(5 * 1024 * 1024, 1024, 25 * 1024 * 1024)],
  twilioApiUrl: ['TWILIO_API_URL', text('https://api.twilio.com')],
  graphApiUrl: ['GRAPH_API_URL', text('https://graph.facebook.com')],
  lineApiUrl: ['LINE_API_URL', text('https://api.line.me')],
  lineDataApiUrl: ['LINE_DATA_API_URL', text('https://api-data.line.me')],
  telegramApiUrl: ['TELEGRAM_API_URL', text('https://api.telegram.org')],
  webchatSessionSecret: ['WEBCHAT_SESSION_SECRET', text('')],
  smtpInboundEnabled: ['SMTP_INBOUND_ENABLED', flag(false)],
  smtpInboundHost: ['SMTP_INBOUND_HOST', text('0.0.0.0')],
  smtpInboundPort: ['SMTP_INBOUND_PORT', port(2525)],
  smtpServerName: ['SMTP_SERVER_NAME', text('localhost')],
  smtpMaxMessageBytes: ['SMTP_MAX_MESSAGE_BYTES', integer(25 * 1024 * 1024, 1024, 100 * 1024 * 1024)],
  smtpTlsKeyFile: ['SMTP_TLS_KEY_FILE', text('')],
  smtpTlsCertFile: ['SMTP_TLS_CERT_FILE', text('')],
  smtpRelayHost: ['SMTP_RELAY_HOST', text('')],
  smtpRelayPort: ['SMTP_RELAY_PORT', port(587)],
  smtpRelaySecure: ['SMTP_RELAY_SECURE', flag(false)],
  smtpRelayUser: ['SMTP_RELAY_USER', text('')],
  smtpRelayPassword: ['SMTP_RELAY_PASSWORD', text('')],
  mailMessageIdDomain: ['MAIL_MESSAGE_ID_DOMAIN', text('localhost')],
  imapPollIntervalMs: ['IMAP_POLL_INTERVAL_MS', integer(30_000, 100, 3_600_000)],
  routingGrpcUrl: ['ROUTING_GRPC_URL', text('')],
  serviceClientId: ['SERVICE_CLIENT_ID', text('')],
  serviceClientSecret: ['SERVICE_CLIENT_SECRET', text('')],
  fetchAllowPrivateHosts: ['FETCH_ALLOW_PRIVATE_HOSTS', allowedHosts],
} as const satisfies Settings;

export const CHANNELS_ENV_VARS = envVarNames(PREFIX, settings);

/** Reads and validates everything at once (a ConfigError lists every problem). */
export function loadChannelsConfig(env: NodeJS.ProcessEnv = process.env): ChannelsConfig {
  return readEnvConfig('channel-ingestion', PREFIX, settings, env);
}

/** The e-mail channel's options from the configuration, or undefined while no relay is configured. */
export function emailChannelOptions(config: ChannelsConfig, readFile: (path: string) => string): EmailChannelOptions | undefined {
  if (!config.smtpRelayHost) return undefined;
  const tls = config.smtpTlsKeyFile && config.smtpTlsCertFile ? { key: readFile(config.smtpTlsKeyFile), cert: readFile(config.smtpTlsCertFile) } : undefined;
  return {
    ...(config.smtpInboundEnabled
      ? { smtpInbound: { host: config.smtpInboundHost, port: config.smtpInboundPort, serverName: config.smtpServerName, maxMessageBytes: config.smtpMaxMessageBytes, ...(tls ? { tls } : {}) } }
      : {}),
    relay: {
      host: config.smtpRelayHost,
      port: config.smtpRelayPort,
      secure: config.smtpRelaySecure,
      ...(config.smtpRelayUser ? { auth: { user: config.smtpRelayUser, pass: config.smtpRelayPassword } } : {}),
    },
    messageIdDomain: config.mailMessageIdDomain,
    imapPollIntervalMs: config.imapPollIntervalMs,
  };
}

/** The web-chat options from the configuration: routing's exact queue places once routing and the service's client are configured. */
export function webChatOptions(config: ChannelsConfig): WebChatModuleOptions {
  const routing =
    config.routingGrpcUrl && config.serviceClientId && config.serviceClientSecret
      ? {
          url: config.routingGrpcUrl,
          tokenUrl: `${config.oidcIssuer.replace(/\/+$/, '')}/protocol/openid-connect/token`,
          clientId: config.serviceClientId,
          clientSecret: config.serviceClientSecret,
        }
      : undefined;
  return { ...(config.webchatSessionSecret ? { sessionSecret: config.webchatSessionSecret } : {}), ...(routing ? { routing } : {}) };
}
