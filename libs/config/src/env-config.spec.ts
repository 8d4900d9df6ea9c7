import { ConfigError, integer, list, oneOf, readEnvConfig, secret, text } from './env-config';

describe(readEnvConfig.name, () => {
  const settings = {
    url: ['URL', text()],
    port: ['PORT', integer(8080, 1, 65535)],
    mode: ['MODE', oneOf(['a', 'b'] as const, 'a')],
    brokers: ['BROKERS', list('k:9092')],
    key: ['KEY', secret(4)],
  } as const;

  it('applies defaults and parses values', () => {
    const sut = readEnvConfig('demo', 'X_', settings, { X_URL: ' u ', X_BROKERS: 'a:1, b:2', X_KEY: 'abcd' });

    expect(sut).toEqual({ url: 'u', port: 8080, mode: 'a', brokers: ['a:1', 'b:2'], key: 'abcd' });
  });

  it('adds the problems a cross-check finds between settings', () => {
    const attempt = () =>
      readEnvConfig('demo', 'X_', settings, { X_URL: 'u', X_KEY: 'abcd', X_PORT: '9' }, (v) => (v.port === 9 ? ['port 9 is reserved'] : []));

    expect(attempt).toThrow(/port 9 is reserved/);
  });

  it('lists every problem at once, unknown prefixed names included', () => {
    const attempt = () => readEnvConfig('demo', 'X_', settings, { X_PORT: '0', X_MODE: 'c', X_TYPO: '1', OTHER: '1' });

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'X_URL is required',
        'X_PORT=0 must be an integer in [1, 65535]',
        'X_MODE=c must be one of a, b',
        'X_KEY is required and must have at least 4 characters',
        'X_TYPO is not a known setting (known: X_URL, X_PORT, X_MODE, X_BROKERS, X_KEY)',
      ]);
    }
  });
});
