import 'reflect-metadata';
import { protoFile, reportingV1 } from '@contactcenter/contracts';
import { runService } from '@contactcenter/service-host';
import { loadReportingConfig } from './config';
import { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
import { ReportingModule } from './reporting.module';

runService({
  name: 'reporting',
  loadConfig: loadReportingConfig,
  migrations: REPORTING_MIGRATIONS,
  grpc: {
    package: reportingV1.protobufPackage,
    protoFiles: [protoFile('reporting', 'reporting_service'), protoFile('reporting', 'staffing_service')],
  },
  module: (config, { dataSource, eventBus }) =>
    ReportingModule.register({ dataSource, eventBus, settings: config.kpiSettings, consumerGroup: config.consumerGroup }),
});
