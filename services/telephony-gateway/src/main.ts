import 'reflect-metadata';
import { protoFile, telephonyAdminV1 } from '@contactcenter/contracts';
import { runService } from '@contactcenter/service-host';
import { loadTelephonyConfig, serviceClientOf } from './config';
import { TELEPHONY_MIGRATIONS } from './persistence/telephony.migrations';
import { TelephonyModule } from './telephony.module';

runService({
  name: 'telephony-gateway',
  loadConfig: loadTelephonyConfig,
  migrations: TELEPHONY_MIGRATIONS,
  grpc: {
    // TelephonyAdminService and CallControlService share the package contactcenter.telephony.v1.
    package: telephonyAdminV1.protobufPackage,
    protoFiles: [protoFile('telephony', 'telephony_admin_service'), protoFile('telephony', 'call_control_service')],
  },
  module: (config, { dataSource, eventBus }) =>
    TelephonyModule.register({
      dataSource,
      eventBus,
      relayDatabaseUrl: config.relayDatabaseUrl,
      sip: { host: config.sipHost, port: config.sipPort, transport: config.sipTransport, publicAddress: config.publicAddress, realm: config.sipRealm },
      rtp: { host: config.rtpHost, portMin: config.rtpPortMin, portMax: config.rtpPortMax, strictSource: config.strictRtp },
      mediaAddress: config.publicAddress,
      recordingsDir: config.recordingsDir,
      promptsDir: config.promptsDir,
      maxConcurrentCalls: config.maxConcurrentCalls,
      drainTimeoutMs: config.drainTimeoutMs,
      agentRingTimeoutMs: config.agentRingTimeoutMs,
      announceEveryMs: config.announceEveryMs,
      trunkUri: config.trunkUri || undefined,
      routingGrpcUrl: config.routingGrpcUrl || undefined,
      serviceClient: serviceClientOf(config),
      consumerGroup: `telephony-gateway.${config.podId}`,
    }),
});
