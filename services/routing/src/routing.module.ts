import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type EventBus, OutboxRelay } from '@contactcenter/messaging';
import { createLogger } from '@contactcenter/observability';
import type { DataSource } from 'typeorm';
import { AgentWorkUseCase } from './app/handle-agent-work/agent-work.use-case';
import { ManageConfigurationUseCase } from './app/manage-configuration/manage-configuration.use-case';
import { QueueSnapshotQuery } from './app/manage-configuration/queue-snapshot.query';
import { RouteRequestsUseCase } from './app/route-requests/route-requests.use-case';
import { RoutingRuntime } from './app/routing-runtime';
import { InteractionRequestsConsumer } from './consumers/interaction-requests.consumer';
import { AgentController } from './grpc/agent.controller';
import { RoutingAdminController } from './grpc/routing-admin.controller';

export interface RoutingModuleOptions {
  /** The routing database as the service role, already migrated (ROUTING_MIGRATIONS). */
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** Default `routing`; every instance of one deployment shares it. */
  readonly consumerGroup?: string;
  /** Journal entries between snapshots (default 100). */
  readonly snapshotEvery?: number;
  /** Default 30 s. */
  readonly preferredAgentWindowMs?: number;
  /** The routing database as the relay role; when given the module relays its outbox, otherwise the host must. */
  readonly relayDatabaseUrl?: string;
  /** Milliseconds since the epoch; tests may pin it. */
  readonly clock?: () => number;
}

const RELAY = Symbol('ROUTING_OUTBOX_RELAY');

/** Rebuilds the owned workspaces before consuming; stops consuming before the runtime and the bus close. */
class RoutingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RoutingRuntime) private readonly runtime: RoutingRuntime,
    @Inject(InteractionRequestsConsumer) private readonly consumer: InteractionRequestsConsumer,
    @Inject(RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    await this.consumer.start();
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.close();
    await this.runtime.close();
    await this.relay?.close();
  }
}

/**
 * Routing: one engine per workspace in memory, fed by InteractionRequested/Withdrawn from
 * Kafka and by the agents' and administrators' gRPC calls; gRPC AgentService and
 * RoutingAdminService. Needs AuthModule.forRoot(...) in the application, and its gRPC server to
 * load `protoFile('routing', 'agent_service')` and `protoFile('routing', 'routing_admin_service')`.
 */
@Module({})
export class RoutingModule {
  static register(options: RoutingModuleOptions): DynamicModule {
    const { dataSource, eventBus } = options;
    const groupId = options.consumerGroup ?? 'routing';
    const log = createLogger('routing');
    const logger = { warn: (message: string, context?: object) => log.warn(context ?? {}, message), error: (message: string, context?: object) => log.error(context ?? {}, message) };
    const runtime = new RoutingRuntime({ dataSource, snapshotEvery: options.snapshotEvery, clock: options.clock, logger });
    const routeRequests = new RouteRequestsUseCase({ runtime, groupId, preferredAgentWindowMs: options.preferredAgentWindowMs ?? 30_000, logger });
    const relay = options.relayDatabaseUrl ? new OutboxRelay({ connectionString: options.relayDatabaseUrl, bus: eventBus }) : null;
    return {
      module: RoutingModule,
      controllers: [AgentController, RoutingAdminController],
      providers: [
        { provide: RoutingRuntime, useValue: runtime },
        { provide: AgentWorkUseCase, useValue: new AgentWorkUseCase(runtime) },
        { provide: ManageConfigurationUseCase, useValue: new ManageConfigurationUseCase(dataSource, runtime) },
        { provide: QueueSnapshotQuery, useValue: new QueueSnapshotQuery(runtime) },
        { provide: InteractionRequestsConsumer, useValue: new InteractionRequestsConsumer(eventBus, groupId, routeRequests) },
        { provide: RELAY, useValue: relay },
        RoutingLifecycle,
      ],
    };
  }
}
