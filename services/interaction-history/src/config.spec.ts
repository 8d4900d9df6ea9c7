import { ConfigError } from '@contactcenter/config';
import { loadHistoryConfig } from './config';

const minimal = {
  HISTORY_DATABASE_URL: 'postgres://cc_app@db/history',
  HISTORY_MIGRATION_DATABASE_URL: 'postgres://cc_owner@db/history',
  HISTORY_RELAY_DATABASE_URL: 'postgres://cc_relay@db/history',
  HISTORY_OIDC_ISSUER: 'https://id.example/realms/contact-center',
  HISTORY_CURSOR_SECRET: 'x'.repeat(32),
};

describe(loadHistoryConfig.name, () => {
  it('fills defaults around the required settings', () => {
    const sut = loadHistoryConfig({ ...minimal, HISTORY_KAFKA_BROKERS: 'k1:9092, k2:9092', HISTORY_DEFAULT_PHONE_REGION: 'TH' });

    expect(sut).toMatchObject({ kafkaBrokers: ['k1:9092', 'k2:9092'], consumerGroup: 'interaction-history', httpPort: 8080, defaultPhoneRegion: 'TH', oidcAudience: 'contact-center-api', caseWindowHours: 72 });
  });

  it('lists every problem at once', () => {
    const sut = () => loadHistoryConfig({ HISTORY_CURSOR_SECRET: 'short', HISTORY_DEFAULT_PHONE_REGION: 'XX', HISTORY_TYPO: '1' });

    expect(sut).toThrow(ConfigError);
    try {
      sut();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(
        expect.arrayContaining([
          'HISTORY_DATABASE_URL is required',
          'HISTORY_CURSOR_SECRET is required and must have at least 32 characters',
          'HISTORY_DEFAULT_PHONE_REGION=XX must be an ISO 3166-1 alpha-2 region, e.g. TH',
          expect.stringMatching(/^HISTORY_TYPO is not a known setting \(known: HISTORY_DATABASE_URL, /),
        ]),
      );
    }
  });
});
