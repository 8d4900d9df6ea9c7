import { Topics } from '@contactcenter/contracts';
import { handleBatchWithInbox, handleWithInbox, type ConsumedEvent, type EventBus, type Subscription } from '@contactcenter/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { IngestFactsUseCase } from '../app/ingest-facts/ingest-facts.use-case';
import type { ReportingFact } from '../domain/facts/reporting-fact';
import { reportingFactOf } from './reporting-event.mapper';

export const REPORTING_TOPICS = [Topics.interaction, Topics.agent, Topics.message] as const;

export interface ReportingEventsConsumerOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  readonly ingest: IngestFactsUseCase;
  readonly groupId: string;
  /** Default REPORTING_TOPICS; benchmarks replay onto topics of their own. */
  readonly topics?: readonly string[];
  readonly maxBatchSize?: number;
}

/**
 * Interaction, agent and message events → facts → interval aggregates. Batches of one tenant are
 * folded in one transaction with their inbox marks, so a redelivered event is counted once; when
 * a batch fails, the bus retries its events one by one and dead-letters the poison one.
 */
export class ReportingEventsConsumer {
  private subscription?: Subscription;

  constructor(private readonly options: ReportingEventsConsumerOptions) {}

  async start(): Promise<void> {
    const { dataSource, eventBus, groupId, maxBatchSize, topics = REPORTING_TOPICS } = this.options;
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
    const facts = events.map(reportingFactOf).filter((fact): fact is ReportingFact => fact !== undefined);
    await this.options.ingest.execute(manager, events[0].tenantId, facts);
  }
}
