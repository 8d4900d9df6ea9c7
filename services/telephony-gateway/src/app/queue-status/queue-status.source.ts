import type { QueueBoard, QueueStatus } from '../../domain/queue/queue-board';
import type { QueueScope, QueueSnapshots } from './queue-snapshots.port';

export interface QueueStatusSourceOptions {
  readonly board: QueueBoard;
  /** Routing's exact snapshots; without them every answer comes from the board. */
  readonly snapshots?: QueueSnapshots;
  /** One announcement cycle: a queue's snapshot serves every caller announced within it. */
  readonly cycleMs: number;
  readonly clock: () => number;
  readonly onSnapshotFailed?: (error: unknown, context: object) => void;
}

interface Fetched {
  readonly at: number;
  /** Undefined when routing did not answer: the board speaks for this cycle. */
  readonly waiting: Promise<ReadonlyMap<string, QueueStatus> | undefined>;
}

/**
 * What a waiting caller is told: routing's position and wait estimate from GetQueueSnapshot
 * (priorities and contacts queued before this pod started included), else the pod's queue board.
 * One snapshot per queue per cycle, shared by every caller of this pod waiting in it, so the
 * load on routing grows with the queues, not the callers.
 */
export class QueueStatusSource {
  private readonly fetched = new Map<string, Fetched>();

  constructor(private readonly options: QueueStatusSourceOptions) {}

  async status(scope: QueueScope, queueId: string, interactionId: string): Promise<QueueStatus | undefined> {
    const { board, snapshots, clock } = this.options;
    const fromBoard = () => board.status(interactionId, clock());
    if (!snapshots || !queueId) return fromBoard();
    const waiting = await this.snapshot(snapshots, scope, queueId);
    // Not in routing's queue (just assigned, or queued for one agent): the board knows as much as anyone.
    return waiting?.get(interactionId) ?? fromBoard();
  }

  private snapshot(snapshots: QueueSnapshots, scope: QueueScope, queueId: string): Promise<ReadonlyMap<string, QueueStatus> | undefined> {
    const now = this.options.clock();
    for (const [key, entry] of this.fetched) if (now - entry.at >= this.options.cycleMs) this.fetched.delete(key);
    const key = `${scope.tenantId}/${scope.workspaceId}/${queueId}`;
    const cached = this.fetched.get(key);
    if (cached) return cached.waiting;
    const waiting = snapshots.waiting(scope, queueId).catch((error: unknown) => {
      this.options.onSnapshotFailed?.(error, { ...scope, queueId });
      return undefined;
    });
    this.fetched.set(key, { at: now, waiting });
    return waiting;
  }
}
