import { randomUUID } from 'node:crypto';
import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Events } from '@contactcenter/contracts';
import { type EventBus, OutboxRelay, type TopicPartition } from '@contactcenter/messaging';
import { createLogger } from '@contactcenter/observability';
import type { DataSource } from 'typeorm';
import { AgentWorkUseCase, type CommittedUpdates } from './app/handle-agent-work/agent-work.use-case';
import { ManageConfigurationUseCase } from './app/manage-configuration/manage-configuration.use-case';
import { QueueSnapshotQuery } from './app/manage-configuration/queue-snapshot.query';
import { RouteRequestsUseCase } from './app/route-requests/route-requests.use-case';
import { RoutingRuntime } from './app/routing-runtime';
import { InteractionRequestsConsumer } from './consumers/interaction-requests.consumer';
import { AgentCommandHandler } from './grpc/agent-command.handler';
import { AgentController } from './grpc/agent.controller';
import { workMessage } from './grpc/routing-proto.mapper';
import { AgentCommandRouter } from './ownership/agent-command.router';
import { OrderedPublisher } from './ownership/ordered-publisher';
import { RoutingWorkConsumer } from './ownership/routing-work.consumer';
import { WorkspaceOwnership } from './ownership/workspace-ownership';
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
  /** Names this instance for forwarded commands' answers (default a random UUID). */
  readonly instanceId?: string;
  /** How long a command forwarded to another instance waits for its answer (default 10 s). */
  readonly forwardTimeoutMs?: number;
  /** Where a new consumer group starts: the topics' beginning (default) or their end (tests and benchmarks on a shared broker). */
  readonly fromBeginning?: boolean;
}

const RELAY = Symbol('ROUTING_OUTBOX_RELAY');

/** The pieces that keep single-writer ownership (ADR 0009). */
class Ownership {
  private changes: Promise<void> = Promise.resolve();

  constructor(
    readonly workspaces: WorkspaceOwnership,
    readonly publisher: OrderedPublisher,
    readonly router: AgentCommandRouter,
    readonly workConsumer: RoutingWorkConsumer,
    private readonly runtime: RoutingRuntime,
    private readonly logger: { error(message: string, context?: object): void },
  ) {}

  /** Drops the workspaces of revoked partitions and rebuilds those of assigned ones, one change at a time. */
  assigned(partitions: readonly TopicPartition[]): void {
    const { gained, lost } = this.workspaces.assign(partitions);
    const partitionOf = (workspaceId: string) => this.workspaces.partitionOf(workspaceId);
    this.changes = this.changes
      .then(async () => {
        for (const workspaceId of this.runtime.loaded()) if (lost.has(await partitionOf(workspaceId))) await this.runtime.release(workspaceId);
        if (gained.size > 0) await this.runtime.adopt(async (workspaceId) => gained.has(await partitionOf(workspaceId)));
      })
      .catch((error) => this.logger.error('applying a partition assignment failed', { error: String(error) }));
  }

  settled(): Promise<void> {
    return this.changes;
  }
}

/** Listens for answers and work first, then joins the routing group (whose assignment loads the owned workspaces); stops in reverse. */
class RoutingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RoutingRuntime) private readonly runtime: RoutingRuntime,
    @Inject(InteractionRequestsConsumer) private readonly consumer: InteractionRequestsConsumer,
    @Inject(Ownership) private readonly ownership: Ownership,
    @Inject(RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ownership.workConsumer.start();
    await this.consumer.start();
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.close();
    await this.ownership.settled();
    this.ownership.router.close();
    await this.ownership.workConsumer.close();
    await this.runtime.close();
    await this.ownership.publisher.close();
    await this.relay?.close();
  }
}

function workRecord(instanceId: string, workspaceId: string, seq: number, updates: CommittedUpdates, resync: boolean) {
  return {
    id: randomUUID(),
    type: Events.AgentWorkCommitted.type,
    topic: Events.AgentWorkCommitted.topic,
    key: workspaceId,
    time: new Date(),
    workspaceId,
    tenantId: '',
    payload: Events.AgentWorkCommitted.codec
      .encode({ seq, resync, instanceId, updates: [...updates].flatMap(([agentId, list]) => list.map((update) => ({ agentId, update: workMessage(update) }))) })
      .finish(),
  };
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
    const instanceId = options.instanceId ?? randomUUID();
    const workspaces = new WorkspaceOwnership(eventBus);
    const runtime = new RoutingRuntime({ dataSource, snapshotEvery: options.snapshotEvery, clock: options.clock, logger, owns: (id) => workspaces.owns(id) });
    const routeRequests = new RouteRequestsUseCase({ runtime, groupId, preferredAgentWindowMs: options.preferredAgentWindowMs ?? 30_000, logger });
    const relay = options.relayDatabaseUrl ? new OutboxRelay({ connectionString: options.relayDatabaseUrl, bus: eventBus }) : null;
    const agentWork = new AgentWorkUseCase(runtime);
    const publisher = new OrderedPublisher(eventBus, logger);
    agentWork.publishTo((workspaceId, seq, updates, resync) => publisher.enqueue(workRecord(instanceId, workspaceId, seq, updates, resync)));
    const manageConfiguration = new ManageConfigurationUseCase(dataSource, runtime);
    const handler = new AgentCommandHandler(agentWork, manageConfiguration);
    const router = new AgentCommandRouter({ bus: eventBus, ownership: workspaces, handler, publisher, instanceId, groupId, timeoutMs: options.forwardTimeoutMs });
    const workConsumer = new RoutingWorkConsumer(eventBus, `${groupId}.work.${instanceId}`, instanceId, agentWork, router, runtime);
    const ownership = new Ownership(workspaces, publisher, router, workConsumer, runtime, logger);
    const consumer = new InteractionRequestsConsumer(eventBus, {
      groupId,
      routeRequests,
      fromBeginning: options.fromBeginning ?? true,
      onCommand: (event) => router.execute(event),
      onAssignment: (partitions) => ownership.assigned(partitions),
    });
    return {
      module: RoutingModule,
      controllers: [AgentController, RoutingAdminController],
      providers: [
        { provide: RoutingRuntime, useValue: runtime },
        { provide: AgentWorkUseCase, useValue: agentWork },
        { provide: AgentCommandRouter, useValue: router },
        { provide: Ownership, useValue: ownership },
        { provide: ManageConfigurationUseCase, useValue: manageConfiguration },
        { provide: QueueSnapshotQuery, useValue: new QueueSnapshotQuery(runtime) },
        { provide: InteractionRequestsConsumer, useValue: consumer },
        { provide: RELAY, useValue: relay },
        RoutingLifecycle,
      ],
    };
  }
}
