import { ConfigError } from '@contactcenter/config';
import { emailChannelOptions, loadChannelsConfig, webChatOptions } from './config';

const minimal = {
  CHANNELS_DATABASE_URL: 'postgres://cc_app@db/channels',
  CHANNELS_MIGRATION_DATABASE_URL: 'postgres://cc_owner@db/channels',
  CHANNELS_RELAY_DATABASE_URL: 'postgres://cc_relay@db/channels',
  CHANNELS_OIDC_ISSUER: 'https://id.example/realms/contact-center',
  CHANNELS_SECRETS_KEY: 'k'.repeat(32),
};

describe(loadChannelsConfig.name, () => {
  it('fills defaults around the required settings', () => {
    const sut = loadChannelsConfig({ ...minimal, CHANNELS_PUBLIC_BASE_URL: 'https://cc.example.com/', CHANNELS_KAFKA_BROKERS: 'k1:9092,k2:9092' });

    expect(sut).toMatchObject({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      consumerGroup: 'channel-ingestion',
      publicBaseUrl: 'https://cc.example.com',
      defaultRatePerSecond: 100,
      maxWebhookBytes: 8 * 1024 * 1024,
      graphApiUrl: 'https://graph.facebook.com',
      smtpInboundEnabled: false,
      smtpRelayHost: '',
      imapPollIntervalMs: 30_000,
    });
    expect(emailChannelOptions(sut, () => '')).toBeUndefined();
  });

  it('reads the private hosts media URLs may reach, none by default, and refuses what is not host[:port]', () => {
    expect(loadChannelsConfig(minimal).fetchAllowPrivateHosts).toEqual([]);
    expect(loadChannelsConfig({ ...minimal, CHANNELS_FETCH_ALLOW_PRIVATE_HOSTS: 'media.internal, 10.0.0.5:8443,[fd00::1]:443' }).fetchAllowPrivateHosts).toEqual(['media.internal', '10.0.0.5:8443', '[fd00::1]:443']);
    expect(() => loadChannelsConfig({ ...minimal, CHANNELS_FETCH_ALLOW_PRIVATE_HOSTS: 'http://media.internal/' })).toThrow(/CHANNELS_FETCH_ALLOW_PRIVATE_HOSTS: "http:\/\/media.internal\/" is not host or host:port/);
  });

  it('turns the SMTP settings into the e-mail channel options', () => {
    const sut = loadChannelsConfig({
      ...minimal,
      CHANNELS_SMTP_INBOUND_ENABLED: 'true',
      CHANNELS_SMTP_INBOUND_PORT: '25',
      CHANNELS_SMTP_SERVER_NAME: 'mx.cc.example',
      CHANNELS_SMTP_TLS_KEY_FILE: '/tls/key.pem',
      CHANNELS_SMTP_TLS_CERT_FILE: '/tls/cert.pem',
      CHANNELS_SMTP_RELAY_HOST: 'relay.example',
      CHANNELS_SMTP_RELAY_SECURE: 'true',
      CHANNELS_SMTP_RELAY_PORT: '465',
      CHANNELS_SMTP_RELAY_USER: 'cc',
      CHANNELS_SMTP_RELAY_PASSWORD: 'pw',
      CHANNELS_MAIL_MESSAGE_ID_DOMAIN: 'mail.cc.example',
    });

    expect(emailChannelOptions(sut, (file) => `pem of ${file}`)).toEqual({
      smtpInbound: { host: '0.0.0.0', port: 25, serverName: 'mx.cc.example', maxMessageBytes: 25 * 1024 * 1024, tls: { key: 'pem of /tls/key.pem', cert: 'pem of /tls/cert.pem' } },
      relay: { host: 'relay.example', port: 465, secure: true, auth: { user: 'cc', pass: 'pw' } },
      messageIdDomain: 'mail.cc.example',
      imapPollIntervalMs: 30_000,
    });
    expect(() => loadChannelsConfig({ ...minimal, CHANNELS_SMTP_INBOUND_ENABLED: 'yes' })).toThrow('CHANNELS_SMTP_INBOUND_ENABLED=yes must be one of true, false');
  });

  it("asks routing for web-chat queue places once routing's address and the service's client are configured", () => {
    expect(webChatOptions(loadChannelsConfig(minimal))).toEqual({});
    const sut = loadChannelsConfig({
      ...minimal,
      CHANNELS_WEBCHAT_SESSION_SECRET: 's'.repeat(32),
      CHANNELS_ROUTING_GRPC_URL: 'routing:50051',
      CHANNELS_SERVICE_CLIENT_ID: 'cc-channels',
      CHANNELS_SERVICE_CLIENT_SECRET: 'secret',
    });

    expect(webChatOptions(sut)).toEqual({
      sessionSecret: 's'.repeat(32),
      routing: { url: 'routing:50051', tokenUrl: 'https://id.example/realms/contact-center/protocol/openid-connect/token', clientId: 'cc-channels', clientSecret: 'secret' },
    });
    expect(sut.lineDataApiUrl).toBe('https://api-data.line.me');
  });

  it('lists every problem at once', () => {
    const sut = () => loadChannelsConfig({ CHANNELS_SECRETS_KEY: 'short', CHANNELS_PUBLIC_BASE_URL: 'cc.example.com', CHANNELS_DEFAULT_RATE_PER_SECOND: '0' });

    expect(sut).toThrow(ConfigError);
    try {
      sut();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(
        expect.arrayContaining([
          'CHANNELS_DATABASE_URL is required',
          'CHANNELS_SECRETS_KEY is required and must have at least 32 characters',
          'CHANNELS_PUBLIC_BASE_URL=cc.example.com must be an http(s) URL',
        ]),
      );
    }
  });
});
