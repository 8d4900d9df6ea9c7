import 'reflect-metadata';
import { protoFile, routingAgentV1 } from '@contactcenter/contracts';
import { runService } from '@contactcenter/service-host';
import { loadRoutingConfig } from './config';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { RoutingModule } from './routing.module';

runService({
  name: 'routing',
  loadConfig: loadRoutingConfig,
  migrations: ROUTING_MIGRATIONS,
  grpc: {
    // AgentService and RoutingAdminService share the package contactcenter.routing.v1.
    package: routingAgentV1.protobufPackage,
    protoFiles: [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')],
  },
  module: (config, { dataSource, eventBus }) =>
    RoutingModule.register({
      dataSource,
      eventBus,
      consumerGroup: config.consumerGroup,
      snapshotEvery: config.snapshotEvery,
      preferredAgentWindowMs: config.preferredAgentWindowMs,
      relayDatabaseUrl: config.relayDatabaseUrl,
    }),
});
