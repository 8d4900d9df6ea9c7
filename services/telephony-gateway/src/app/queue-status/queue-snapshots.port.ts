import type { QueueStatus } from '../../domain/queue/queue-board';

export interface QueueScope {
  readonly tenantId: string;
  readonly workspaceId: string;
}

/** Routing's view of one queue's waiting voice contacts, by interaction id. */
export interface QueueSnapshots {
  waiting(scope: QueueScope, queueId: string): Promise<ReadonlyMap<string, QueueStatus>>;
  close(): void;
}
