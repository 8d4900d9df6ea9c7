import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { channelAdminV1, historyV1, platformV1, protoFile, reportingV1, routingAgentV1, telephonyAdminV1 } from '@contactcenter/contracts';
import { DiagnosticsModule } from '@contactcenter/diagnostics';
import type { ServiceClientCredentials } from '@contactcenter/auth';
import type { EventBus } from '@contactcenter/messaging';
import type { DynamicModule, Type } from '@nestjs/common';
import type { DataSource, MigrationInterface } from 'typeorm';
import { REPORTING_MIGRATIONS, ReportingModule } from '@contactcenter/reporting';
import { HISTORY_MIGRATIONS, HistoryModule } from '@contactcenter/interaction-history';
import { ROUTING_MIGRATIONS, RoutingModule } from '@contactcenter/routing';
import { CHANNEL_MIGRATIONS, ChannelModule, loadOrCreateSecretsKey } from '@contactcenter/channel-ingestion';
import { generatePrompts, SAMPLE_IVR_FLOW, TELEPHONY_MIGRATIONS, TelephonyModule } from '@contactcenter/telephony-gateway';

/** What the host shares with every service module it runs. */
export interface HostResources {
  readonly eventBus: EventBus;
  /** The embedded Postgres database, `postgres://...` (superuser; for provisioning only). */
  readonly postgresUrl: string;
  /** The host database as the service role, with the outbox and inbox tables migrated. */
  readonly dataSource: DataSource;
  /** The host's data directory (`./.data` by default), for files a service keeps between runs. */
  readonly dataDir: string;
  /** Where the telephony gateway listens for SIP and what address it puts in its SDP. */
  readonly sip: { readonly host: string; readonly port: number; readonly publicAddress: string };
  /** The host's own gRPC server (`host:port`), for one service calling another's API (telephony → routing). */
  readonly grpcUrl: string;
  /** A client-credentials client of the host's identity provider with role `service`, for calls to another service's API. */
  serviceClient(name: string): ServiceClientCredentials;
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
  {
    name: 'channel-ingestion',
    // Webhooks and web chat are served on the host's HTTP port (/webhooks/..., /webchat/...); secrets are sealed with a
    // key kept beside the data, so accounts survive restarts of the same data directory.
    module: async ({ eventBus, serviceDatabase, dataDir, grpcUrl, serviceClient }) =>
      ChannelModule.register({
        dataSource: await serviceDatabase('channels', CHANNEL_MIGRATIONS),
        eventBus,
        secretsKey: loadOrCreateSecretsKey(path.join(dataDir, 'channel-secrets.key')),
        // The widget at /webchat/widget.js, its socket at /webchat/ws, a try-out page at /webchat/demo/<widget id>;
        // waiting visitors see routing's own place and wait estimate.
        webchat: { routing: { url: grpcUrl, ...serviceClient('channels') } },
      }),
    grpc: {
      package: channelAdminV1.protobufPackage,
      protoFiles: [protoFile('channels', 'channel_admin_service'), protoFile('channels', 'messaging_service')],
    },
  },
  {
    name: 'telephony-gateway',
    // SIP (UDP and TCP) on CC_AIO_SIP_PORT, 5060 by default; the demo tenant's number runs the sample IVR.
    module: async ({ eventBus, serviceDatabase, dataDir, sip, grpcUrl, serviceClient }) => {
      const promptsDir = path.join(dataDir, 'prompts');
      generatePrompts(promptsDir, undefined, { tonesWhenToolsMissing: true });
      return TelephonyModule.register({
        dataSource: await serviceDatabase('telephony', TELEPHONY_MIGRATIONS),
        eventBus,
        sip: { ...sip, transport: 'both' },
        recordingsDir: path.join(dataDir, 'recordings'),
        promptsDir,
        // Routing is served by this same host: BlindTransfer to a queue or agent calls its AgentService.Transfer,
        // and the queue announcements say routing's own place and wait estimate.
        routingGrpcUrl: grpcUrl,
        serviceClient: serviceClient('telephony'),
        seed: [{ workspaceId: 'acme', tenantId: 'acme', number: '+4930120000', flow: SAMPLE_IVR_FLOW }],
      });
    },
    grpc: {
      package: telephonyAdminV1.protobufPackage,
      protoFiles: [protoFile('telephony', 'telephony_admin_service'), protoFile('telephony', 'call_control_service')],
    },
  },
];
