import { randomBytes } from 'node:crypto';
import { historyV1, platformV1, protoFile, reportingV1, routingAgentV1 } from '@contactcenter/contracts';
import { DiagnosticsModule } from '@contactcenter/diagnostics';
import type { EventBus } from '@contactcenter/messaging';
import type { DynamicModule, Type } from '@nestjs/common';
import type { DataSource, MigrationInterface } from 'typeorm';
import { REPORTING_MIGRATIONS, ReportingModule } from '@contactcenter/reporting';
import { HISTORY_MIGRATIONS, HistoryModule } from '@contactcenter/interaction-history';
import { ROUTING_MIGRATIONS, RoutingModule } from '@contactcenter/routing';

/** What the host shares with every service module it runs. */
export interface HostResources {
  readonly eventBus: EventBus;
  /** The embedded Postgres database, `postgres://...` (superuser; for provisioning only). */
  readonly postgresUrl: string;
  /** The host database as the service role, with the outbox and inbox tables migrated. */
  readonly dataSource: DataSource;
  /**
   * A service's own database in the embedded Postgres (created when missing), migrated as the
   * owner and connected as the service role; its outbox (if it has one) is relayed to the
   * event bus. Closed with the host.
   */
  serviceDatabase(name: string, migrations: readonly (new () => MigrationInterface)[]): Promise<DataSource>;
}

/** One service hosted in the all-in-one process. */
export interface ServiceModule {
  /** Shown in the start-up banner. */
  readonly name: string;
  readonly module: (resources: HostResources) => Type | DynamicModule | Promise<Type | DynamicModule>;
  /** The gRPC API it serves from the host's single gRPC server. */
  readonly grpc: {
    /** Proto package, e.g. `contactcenter.platform.v1`. */
    readonly package: string;
    /** Absolute .proto paths (`protoFile(domain, name)` from contracts). */
    readonly protoFiles: readonly string[];
  };
}

/**
 * Every service module the all-in-one host runs. A new service joins the host by adding its
 * entry here; nothing else in the host changes.
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [
  {
    name: 'diagnostics',
    module: ({ dataSource }) => DiagnosticsModule.register({ dataSource }),
    grpc: { package: platformV1.protobufPackage, protoFiles: [protoFile('platform', 'diagnostics_service')] },
  },
  {
    name: 'reporting',
    module: async ({ eventBus, serviceDatabase }) =>
      ReportingModule.register({ dataSource: await serviceDatabase('reporting', REPORTING_MIGRATIONS), eventBus }),
    grpc: {
      package: reportingV1.protobufPackage,
      protoFiles: [protoFile('reporting', 'reporting_service'), protoFile('reporting', 'staffing_service')],
    },
  },
  {
    name: 'interaction-history',
    module: async ({ eventBus, serviceDatabase }) =>
      HistoryModule.register({
        dataSource: await serviceDatabase('history', HISTORY_MIGRATIONS),
        eventBus,
        // One process, one run: page tokens need not outlive it.
        cursorSecret: randomBytes(32).toString('hex'),
      }),
    grpc: { package: historyV1.protobufPackage, protoFiles: [protoFile('history', 'history_service')] },
  },
  {
    name: 'routing',
    module: async ({ eventBus, serviceDatabase }) => RoutingModule.register({ dataSource: await serviceDatabase('routing', ROUTING_MIGRATIONS), eventBus }),
    grpc: {
      package: routingAgentV1.protobufPackage,
      protoFiles: [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')],
    },
  },
];
