import { ConfigError } from '@contactcenter/config';
import { loadReportingConfig } from './config';

const required = {
  REPORTING_DATABASE_URL: 'postgres://cc_app@db/reporting',
  REPORTING_MIGRATION_DATABASE_URL: 'postgres://cc_owner@db/reporting',
  REPORTING_OIDC_ISSUER: 'http://idp/realms/contact-center',
};

describe(loadReportingConfig.name, () => {
  it('applies defaults, including the default KPI definitions', () => {
    const sut = loadReportingConfig(required);

    expect(sut).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], consumerGroup: 'reporting', httpPort: 8080, oidcAudience: 'contact-center-api' });
    expect(sut.kpiSettings).toMatchObject({ serviceLevelVariant: 'abandons-count-against', serviceLevelThresholdMs: 20_000, shortAbandonThresholdMs: 5_000 });
  });

  it('reads KPI settings and a broker list', () => {
    const sut = loadReportingConfig({
      ...required,
      REPORTING_KAFKA_BROKERS: 'k1:9092, k2:9092',
      REPORTING_SERVICE_LEVEL_VARIANT: 'abandons-ignored',
      REPORTING_SERVICE_LEVEL_THRESHOLD_MS: '30000',
    });

    expect(sut.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(sut.kpiSettings).toMatchObject({ serviceLevelVariant: 'abandons-ignored', serviceLevelThresholdMs: 30_000 });
  });

  it('lists every problem at once, unknown REPORTING_ names included', () => {
    const attempt = () => loadReportingConfig({ REPORTING_HTTP_PORT: 'x', REPORTING_SERVICE_LEVEL_VARIANT: 'best', REPORTING_TYPO: '1' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/REPORTING_DATABASE_URL is required[\s\S]*REPORTING_HTTP_PORT=x[\s\S]*REPORTING_SERVICE_LEVEL_VARIANT=best[\s\S]*REPORTING_TYPO is not a known setting/);
  });
});
