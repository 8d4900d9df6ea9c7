import { Topics } from '@contactcenter/contracts';
import { Inbox, type ConsumedEvent, type EventBus, type Subscription } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { DataSource } from 'typeorm';
import { factSubjects, type IngestedBatch, type IngestFactsUseCase } from '../app/ingest-facts/ingest-facts.use-case';
import type { ReportingFact } from '../domain/facts/reporting-fact';
import { lockFactSubjectsSide } from '../persistence/fact-locks';
import { reportingFactOf } from './reporting-event.mapper';

export const REPORTING_TOPICS = [Topics.interaction, Topics.agent, Topics.message, Topics.customer, Topics.qa, Topics.call] as const;

export interface ReportingEventsConsumerOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  readonly ingest: IngestFactsUseCase;
  readonly groupId: string;
  /** Default REPORTING_TOPICS; benchmarks replay onto topics of their own. */
  readonly topics?: readonly string[];
  readonly maxBatchSize?: number;
  /** Told of every batch once its transaction has committed (the real-time views). */
  readonly onIngested?: (batch: IngestedBatch) => void;
}

/**
 * Interaction, agent, message and call events → facts → interval aggregates. Batches of one tenant are
 * folded in one transaction with their inbox marks, so a redelivered event is counted once; when
 * a batch fails, the bus retries its events one by one and dead-letters the poison one. The
 * statement that marks the batch in the inbox also locks its interactions and agents.
 */
export class ReportingEventsConsumer {
  private subscription?: Subscription;

  constructor(private readonly options: ReportingEventsConsumerOptions) {}

  async start(): Promise<void> {
    const { eventBus, groupId, maxBatchSize, topics = REPORTING_TOPICS } = this.options;
    this.subscription = await eventBus.subscribe({
      groupId,
      topics,
      handler: (event) => this.handle([event]),
      batchHandler: (events) => this.handle(events),
      maxBatchSize,
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /** One batch of one tenant scope (the bus batches no other) in one transaction; the real-time views hear of it after the commit. */
  private async handle(events: readonly ConsumedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { dataSource, groupId, ingest, onIngested } = this.options;
    const [first] = events;
    if (events.some((e) => e.workspaceId !== first.workspaceId || e.tenantId !== first.tenantId)) throw new Error('a batch must be of one tenant scope');
    const ingested = await withTenantTransaction(
      dataSource,
      async (manager) => {
        const mapped = events.map((event) => ({ id: event.id, fact: reportingFactOf(event) }));
        const { fresh } = await Inbox.markWith(manager, groupId, events, lockFactSubjectsSide(first.tenantId, factSubjects(mapped.flatMap(({ fact }) => (fact ? [fact] : [])))));
        if (fresh.length === 0) return undefined;
        const freshIds = new Set(fresh.map((event) => event.id));
        // A batch may carry one event twice; markWith keeps the first copy, and so does this.
        const facts = mapped.filter(({ id, fact }) => freshIds.delete(id) && fact !== undefined).map(({ fact }) => fact as ReportingFact);
        return ingest.execute(manager, first.tenantId, facts, { subjectsLocked: true });
      },
      { workspaceId: first.workspaceId, tenantId: first.tenantId },
    );
    if (ingested && onIngested) onIngested(ingested);
  }
}
