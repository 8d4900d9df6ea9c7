import 'reflect-metadata';
import { historyV1, protoFile } from '@contactcenter/contracts';
import { runService } from '@contactcenter/service-host';
import { loadHistoryConfig } from './config';
import { HistoryModule } from './history.module';
import { HISTORY_MIGRATIONS } from './persistence/history.migrations';

runService({
  name: 'interaction-history',
  loadConfig: loadHistoryConfig,
  migrations: HISTORY_MIGRATIONS,
  grpc: { package: historyV1.protobufPackage, protoFiles: [protoFile('history', 'history_service')] },
  module: (config, { dataSource, eventBus }) =>
    HistoryModule.register({
      dataSource,
      eventBus,
      cursorSecret: config.cursorSecret,
      defaultPhoneRegion: config.defaultPhoneRegion,
      consumerGroup: config.consumerGroup,
      relayDatabaseUrl: config.relayDatabaseUrl,
      caseWindowHours: config.caseWindowHours,
    }),
});
