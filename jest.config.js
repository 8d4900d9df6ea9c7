// One Jest run, two projects: fast pure unit tests and integration tests against the real
// stack (Kafka, PostgreSQL, Keycloak) that the integration project's global setup starts.
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const libs = ['config', 'contracts', 'messaging', 'tenancy', 'auth', 'observability', 'testing', 'diagnostics', 'service-host', 'sip'];
const moduleNameMapper = {
  [`^@contactcenter/(${libs.join('|')})$`]: '<rootDir>/libs/$1/src/index.ts',
  '^@contactcenter/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
  '^@contactcenter/reporting$': '<rootDir>/services/reporting/src/index.ts',
  '^@contactcenter/interaction-history$': '<rootDir>/services/interaction-history/src/index.ts',
  '^@contactcenter/routing$': '<rootDir>/services/routing/src/index.ts',
  '^@contactcenter/channel-ingestion$': '<rootDir>/services/channel-ingestion/src/index.ts',
  '^@contactcenter/telephony-gateway$': '<rootDir>/services/telephony-gateway/src/index.ts',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swcTransform },
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/', '<rootDir>/.data/'],
};

module.exports = {
  // A global option: Jest ignores it inside a project. Integration tests wait on real servers.
  testTimeout: 180000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,test}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
    },
  ],
};
