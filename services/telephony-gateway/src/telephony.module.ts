import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { type EventBus, OutboxRelay } from '@contactcenter/messaging';
import { createLogger } from '@contactcenter/observability';
import { ServiceTokenSource } from '@contactcenter/auth';
import type { SipProtocol } from '@contactcenter/sip';
import { ManageDirectoryUseCase } from './app/manage-directory/manage-directory.use-case';
import { ROUTING_TRANSFERS } from './app/routing/routing.tokens';
import type { QueueSnapshots } from './app/queue-status/queue-snapshots.port';
import type { RoutingTransfers } from './app/routing/routing-transfers.port';
import { TelephonyGateway } from './app/telephony-gateway';
import { RoutingDecisionsConsumer } from './consumers/routing-decisions.consumer';
import { CallControlController } from './grpc/call-control.controller';
import { RoutingAgentClient } from './grpc/routing-agent.client';
import { RoutingQueueClient } from './grpc/routing-queue.client';
import { TelephonyAdminController } from './grpc/telephony-admin.controller';
import type { IvrFlow } from './domain/ivr';
import { FileSystemRecordingStore, type RecordingStore } from './media';

export interface TelephonyModuleOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** The gateway database as the relay role; when given the module relays its outbox, otherwise the host must. */
  readonly relayDatabaseUrl?: string;
  readonly sip: {
    readonly host: string;
    readonly port: number;
    readonly transport: 'udp' | 'tcp' | 'both';
    readonly publicAddress?: string;
    /** Digest realm agent phones register in (their HA1 is computed with it); `contactcenter` when omitted. */
    readonly realm?: string;
  };
  /** strictSource (default true): media only from each call's peer (strict RTP). */
  readonly rtp?: { readonly host?: string; readonly portMin?: number; readonly portMax?: number; readonly strictSource?: boolean };
  /** Address in our SDP; the SIP public address when omitted. */
  readonly mediaAddress?: string;
  readonly recordingsDir?: string;
  /** Overrides `recordingsDir` (the QA service's store, later). */
  readonly recordingStore?: RecordingStore;
  readonly promptsDir: string;
  readonly maxConcurrentCalls?: number;
  readonly drainTimeoutMs?: number;
  readonly agentRingTimeoutMs?: number;
  /** Music between a waiting caller's position / wait announcements; 30 s when omitted. */
  readonly announceEveryMs?: number;
  /** Where blind transfers to a number go (`sip:trunk.example:5060`); without it only SIP URIs can be dialled. */
  readonly trunkUri?: string;
  /** Routing's gRPC address (`host:port`): BlindTransfer to a queue or agent goes through its AgentService.Transfer. */
  readonly routingGrpcUrl?: string;
  /**
   * The gateway's own client (client credentials, `service` role): with `routingGrpcUrl`, waiting
   * callers hear routing's GetQueueSnapshot position and wait; without it, the queue board's.
   */
  readonly serviceClient?: { readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string };
  /** This pod's consumer group for routing's decisions (each pod reads them all). */
  readonly consumerGroup?: string;
  /** Numbers and flows written at start-up when missing or changed (the all-in-one's demo tenant). */
  readonly seed?: readonly TelephonySeed[];
}

export interface TelephonySeed {
  readonly workspaceId: string;
  readonly tenantId: string;
  readonly number: string;
  readonly flow: IvrFlow;
}

const RELAY = Symbol('TELEPHONY_OUTBOX_RELAY');
const DRAIN_TIMEOUT = Symbol('TELEPHONY_DRAIN_TIMEOUT');
const SEED = Symbol('TELEPHONY_SEED');
const QUEUE_SNAPSHOTS = Symbol('TELEPHONY_QUEUE_SNAPSHOTS');

/** Opens the SIP port and the routing consumer at start; at shutdown drains, then closes in reverse. */
class TelephonyLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(TelephonyGateway) private readonly gateway: TelephonyGateway,
    @Inject(RoutingDecisionsConsumer) private readonly consumer: RoutingDecisionsConsumer,
    @Inject(RELAY) private readonly relay: OutboxRelay | null,
    @Inject(DRAIN_TIMEOUT) private readonly drainTimeoutMs: number,
    @Inject(ManageDirectoryUseCase) private readonly directory: ManageDirectoryUseCase,
    @Inject(SEED) private readonly seed: readonly TelephonySeed[],
    @Inject(ROUTING_TRANSFERS) private readonly routing: RoutingTransfers | null,
    @Inject(QUEUE_SNAPSHOTS) private readonly queueSnapshots: QueueSnapshots | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { workspaceId, tenantId, number, flow } of this.seed) {
      await this.directory.putFlow({ workspaceId, tenantId }, flow);
      await this.directory.putDid({ workspaceId, tenantId }, number, flow.id);
    }
    this.relay?.start();
    await this.consumer.start();
    await this.gateway.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gateway.drain(this.drainTimeoutMs);
    await this.gateway.close();
    await this.consumer.close();
    this.routing?.close();
    this.queueSnapshots?.close();
    await this.relay?.close();
  }
}

/**
 * The telephony gateway: SIP in (DID → IVR → queue), agent phones out, call control and the
 * admin API. Needs AuthModule.forRoot(...) in the application and its gRPC server to load
 * `protoFile('telephony', 'telephony_admin_service')` and `protoFile('telephony', 'call_control_service')`.
 */
@Module({})
export class TelephonyModule {
  static register(options: TelephonyModuleOptions): DynamicModule {
    const log = createLogger('telephony-gateway');
    const logger = { warn: (message: string, context?: object) => log.warn(context ?? {}, message), error: (message: string, context?: object) => log.error(context ?? {}, message) };
    const protocols: SipProtocol[] = options.sip.transport === 'both' ? ['udp', 'tcp'] : [options.sip.transport];
    const publicAddress = options.sip.publicAddress;
    const queueSnapshots =
      options.routingGrpcUrl && options.serviceClient ? new RoutingQueueClient(options.routingGrpcUrl, new ServiceTokenSource(options.serviceClient)) : undefined;
    const gateway = new TelephonyGateway({
      dataSource: options.dataSource,
      recordings: options.recordingStore ?? new FileSystemRecordingStore(options.recordingsDir ?? 'recordings'),
      promptsDir: options.promptsDir,
      sip: { host: options.sip.host, port: options.sip.port, protocols, publicAddress, realm: options.sip.realm ?? 'contactcenter' },
      rtp: { host: options.rtp?.host ?? '0.0.0.0', portMin: options.rtp?.portMin ?? 0, portMax: options.rtp?.portMax ?? 0, strictSource: options.rtp?.strictSource ?? true },
      mediaAddress: options.mediaAddress ?? publicAddress ?? '127.0.0.1',
      maxConcurrentCalls: options.maxConcurrentCalls ?? 500,
      agentRingTimeoutMs: options.agentRingTimeoutMs ?? 20_000,
      announceEveryMs: options.announceEveryMs,
      queueSnapshots,
      trunkUri: options.trunkUri,
      logger,
    });
    const relay = options.relayDatabaseUrl ? new OutboxRelay({ connectionString: options.relayDatabaseUrl, bus: options.eventBus }) : null;
    const routing: RoutingTransfers | null = options.routingGrpcUrl ? new RoutingAgentClient(options.routingGrpcUrl) : null;
    const consumer = new RoutingDecisionsConsumer(options.eventBus, gateway, options.consumerGroup ?? 'telephony-gateway');
    return {
      module: TelephonyModule,
      controllers: [TelephonyAdminController, CallControlController],
      providers: [
        { provide: TelephonyGateway, useValue: gateway },
        { provide: ManageDirectoryUseCase, useValue: new ManageDirectoryUseCase(options.dataSource) },
        { provide: RoutingDecisionsConsumer, useValue: consumer },
        { provide: RELAY, useValue: relay },
        { provide: DRAIN_TIMEOUT, useValue: options.drainTimeoutMs ?? 30_000 },
        { provide: SEED, useValue: options.seed ?? [] },
        { provide: ROUTING_TRANSFERS, useValue: routing },
        { provide: QUEUE_SNAPSHOTS, useValue: queueSnapshots ?? null },
        TelephonyLifecycle,
      ],
      exports: [TelephonyGateway],
    };
  }
}
