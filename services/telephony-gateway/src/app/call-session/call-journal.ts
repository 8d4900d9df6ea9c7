import type { DataSource, EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxEvent } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';

/**
 * Writes one call's state changes and the events they cause in one tenant transaction each,
 * strictly in the order asked: the SIP and media callbacks that trigger them interleave, but
 * a call's events must reach Kafka in the order they happened.
 */
export class CallJournal {
  private readonly outbox = new OutboxWriter();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: { readonly workspaceId: string; readonly tenantId: string },
    private readonly onError: (error: unknown) => void,
  ) {}

  record(change: (manager: EntityManager) => Promise<void>, events: readonly OutboxEvent[]): Promise<void> {
    const next = this.tail.then(() =>
      withTenantTransaction(
        this.dataSource,
        async (manager) => {
          await change(manager);
          await this.outbox.append(manager, events);
        },
        this.scope,
      ),
    );
    this.tail = next.catch((error: unknown) => this.onError(error));
    return this.tail as Promise<void>;
  }

  /** Resolves once everything recorded so far is committed. */
  settled(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
