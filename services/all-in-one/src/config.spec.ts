import { ConfigError, loadConfig } from './config';

describe(loadConfig.name, () => {
  it('defaults every setting', () => {
    expect(loadConfig({}, '/srv/cc')).toEqual({
      httpPort: 8080,
      grpcPort: 50051,
      idpPort: 18081,
      pgPort: 54329,
      sipPort: 5060,
      bindHost: '127.0.0.1',
      dataDir: '/srv/cc/.data',
    });
  });

  it('reads CC_AIO_ variables', () => {
    const sut = loadConfig({ CC_AIO_HTTP_PORT: '9090', CC_AIO_DATA_DIR: '/var/lib/cc', CC_AIO_BIND_HOST: '0.0.0.0' }, '/srv/cc');

    expect(sut).toMatchObject({ httpPort: 9090, dataDir: '/var/lib/cc', bindHost: '0.0.0.0' });
  });

  it('lists every problem at once', () => {
    const env = { CC_AIO_HTTP_PORT: 'eighty', CC_AIO_PG_PORT: '70000', CC_AIO_GRPC_PROT: '1', CC_AIO_IDP_PORT: '50051' };

    const error = (() => {
      try {
        loadConfig(env);
      } catch (thrown) {
        return thrown;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'CC_AIO_HTTP_PORT=eighty is not a TCP port (1-65535)',
      'CC_AIO_PG_PORT=70000 is not a TCP port (1-65535)',
      expect.stringMatching(/^CC_AIO_GRPC_PROT is not a known setting \(known: CC_AIO_HTTP_PORT, /),
      'CC_AIO_GRPC_PORT and CC_AIO_IDP_PORT are both 50051',
    ]);
  });
});
