import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type EventBus, OutboxRelay } from '@contactcenter/messaging';
import type { CountryCode } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import { EraseCustomerUseCase } from './app/erase-customer/erase-customer.use-case';
import { IngestHistoryUseCase } from './app/ingest-events/ingest-history.use-case';
import { KeepRecordsUseCase } from './app/keep-records/keep-records.use-case';
import { MergeCustomersUseCase } from './app/merge-customers/merge-customers.use-case';
import { ReadHistoryUseCase } from './app/read-history/read-history.use-case';
import { ResolveIdentityUseCase } from './app/resolve-identity/resolve-identity.use-case';
import { HistoryEventsConsumer } from './consumers/history-events.consumer';
import { PageCursorCodec } from './domain/page-cursor.codec';
import { HISTORY_DEFAULT_PHONE_REGION, HistoryController } from './grpc/history.controller';

export interface HistoryModuleOptions {
  /** The history database as the service role, already migrated (HISTORY_MIGRATIONS). */
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** Signs page tokens; at least 32 characters, the same on every instance. */
  readonly cursorSecret: string;
  /** Region of national phone numbers without a country code; absent means E.164 only. */
  readonly defaultPhoneRegion?: CountryCode;
  /** Consumer group of the event consumer (default `interaction-history`). */
  readonly consumerGroup?: string;
  /** Interactions of a customer in one queue this close (default 72 h) fall into one case. */
  readonly caseWindowHours?: number;
  /** Topics the consumer reads (default HISTORY_TOPICS); tests use topics of their own. */
  readonly topics?: readonly string[];
  /**
   * The history database as the relay role (cc_relay): when given, the module relays its outbox
   * (CustomerCreated/Merged/Erased) to the bus; otherwise the host must.
   */
  readonly relayDatabaseUrl?: string;
}

const RELAY = Symbol('HISTORY_OUTBOX_RELAY');

/** Starts the consumer (and relay) once the application is up; stops them before the bus closes. */
class HistoryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(HistoryEventsConsumer) private readonly consumer: HistoryEventsConsumer,
    @Inject(RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.close();
    await this.relay?.close();
  }
}

/**
 * Interaction history: events → customers, identities, interactions and messages; gRPC
 * HistoryService. Needs AuthModule.forRoot(...) in the application, and its gRPC server to load
 * `protoFile('history', 'history_service')`.
 */
@Module({})
export class HistoryModule {
  static register(options: HistoryModuleOptions): DynamicModule {
    const { dataSource, eventBus } = options;
    const caseWindowMs = (options.caseWindowHours ?? 72) * 3_600_000;
    const relay = options.relayDatabaseUrl ? new OutboxRelay({ connectionString: options.relayDatabaseUrl, bus: eventBus }) : null;
    return {
      module: HistoryModule,
      controllers: [HistoryController],
      providers: [
        { provide: ReadHistoryUseCase, useValue: new ReadHistoryUseCase(dataSource, new PageCursorCodec(options.cursorSecret)) },
        { provide: KeepRecordsUseCase, useValue: new KeepRecordsUseCase(dataSource, caseWindowMs) },
        { provide: MergeCustomersUseCase, useValue: new MergeCustomersUseCase(dataSource) },
        { provide: EraseCustomerUseCase, useValue: new EraseCustomerUseCase(dataSource) },
        { provide: HISTORY_DEFAULT_PHONE_REGION, useValue: options.defaultPhoneRegion },
        {
          provide: HistoryEventsConsumer,
          useValue: new HistoryEventsConsumer({
            dataSource,
            eventBus,
            ingest: new IngestHistoryUseCase(new ResolveIdentityUseCase(), caseWindowMs),
            groupId: options.consumerGroup ?? 'interaction-history',
            defaultPhoneRegion: options.defaultPhoneRegion,
            topics: options.topics,
          }),
        },
        { provide: RELAY, useValue: relay },
        HistoryLifecycle,
      ],
    };
  }
}
