import { Topics } from '@contactcenter/contracts';
import { handleBatchWithInbox, handleWithInbox, type ConsumedEvent, type EventBus, type Subscription } from '@contactcenter/messaging';
import { TenantContext } from '@contactcenter/tenancy';
import type { CountryCode } from 'libphonenumber-js';
import type { DataSource, EntityManager } from 'typeorm';
import type { HistoryItem } from '../app/ingest-events/history-item';
import type { IngestHistoryUseCase } from '../app/ingest-events/ingest-history.use-case';
import { historyItemOf } from './history-event.mapper';

export const HISTORY_TOPICS = [Topics.interaction, Topics.call, Topics.message, Topics.qa] as const;

export interface HistoryEventsConsumerOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  readonly ingest: IngestHistoryUseCase;
  readonly groupId: string;
  readonly defaultPhoneRegion?: CountryCode;
  /** Default HISTORY_TOPICS; benchmarks replay onto topics of their own. */
  readonly topics?: readonly string[];
  readonly maxBatchSize?: number;
}

/**
 * Interaction, call, message and QA (recording, survey) events → customers, interaction records and
 * messages. A batch of one tenant is folded in one transaction with its inbox marks, so a
 * redelivered event changes nothing; a failing batch is retried event by event and the poison
 * one dead-lettered.
 */
export class HistoryEventsConsumer {
  private subscription?: Subscription;

  constructor(private readonly options: HistoryEventsConsumerOptions) {}

  async start(): Promise<void> {
    const { dataSource, eventBus, groupId, maxBatchSize, topics = HISTORY_TOPICS } = this.options;
    const fold = (manager: EntityManager, events: readonly ConsumedEvent[]) => this.fold(manager, events);
    this.subscription = await eventBus.subscribe({
      groupId,
      topics,
      handler: handleWithInbox(dataSource, groupId, (manager, event) => fold(manager, [event])),
      batchHandler: handleBatchWithInbox(dataSource, groupId, fold),
      maxBatchSize,
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async fold(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const items = events.map((event) => historyItemOf(event, this.options.defaultPhoneRegion)).filter((item): item is HistoryItem => item !== undefined);
    const { workspaceId, tenantId } = events[0];
    // The scope in context spares the outbox a query for it on every append.
    await TenantContext.run({ workspaceId, tenantId }, () => this.options.ingest.execute(manager, tenantId, items));
  }
}
