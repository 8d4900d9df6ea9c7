/** What a waiting caller is told; either part may be unknown. */
export interface QueueStatus {
  /** 1 = next in line among the queue's waiting voice contacts. */
  readonly position?: number;
  readonly expectedWaitMs?: number;
}

export interface QueueBoardOptions {
  /** Assignments remembered per queue for its service rate. */
  readonly servedSample?: number;
  /** Assignments older than this no longer say how fast the queue moves. */
  readonly servedWindowMs?: number;
  /** Assigned contacts remembered, so one that goes back to the queue keeps its place. */
  readonly rememberAssigned?: number;
}

interface Place {
  readonly queueKey: string;
  readonly seq: number;
}

/**
 * Routing's voice queues as its events tell them (pure; time passed in): who waits in which
 * queue and in which order, and how fast each queue has been served lately. A contact queued
 * anew (a transfer) goes to the back; one whose delivery to an agent failed goes back to its
 * place, as routing does. Priorities are not in the events, so the order is first come first
 * served. The expected wait is the position times the mean interval between the queue's recent
 * assignments; with fewer than two of them in the window it is unknown.
 */
export class QueueBoard {
  private readonly waiting = new Map<string, Place>();
  private readonly assigned = new Map<string, Place>();
  private readonly served = new Map<string, number[]>();
  private readonly servedSample: number;
  private readonly servedWindowMs: number;
  private readonly rememberAssigned: number;
  private seq = 0;

  constructor(options: QueueBoardOptions = {}) {
    this.servedSample = options.servedSample ?? 10;
    this.servedWindowMs = options.servedWindowMs ?? 3_600_000;
    this.rememberAssigned = options.rememberAssigned ?? 10_000;
  }

  get size(): number {
    return this.waiting.size;
  }

  queued(workspaceId: string, queueId: string, interactionId: string): void {
    const queueKey = `${workspaceId}/${queueId}`;
    if (this.waiting.get(interactionId)?.queueKey === queueKey) return;
    this.assigned.delete(interactionId);
    this.waiting.set(interactionId, { queueKey, seq: ++this.seq });
  }

  assignedAt(interactionId: string, at: number): void {
    const place = this.waiting.get(interactionId);
    if (!place) return;
    this.waiting.delete(interactionId);
    this.assigned.set(interactionId, place);
    if (this.assigned.size > this.rememberAssigned) this.assigned.delete(this.assigned.keys().next().value as string);
    const times = this.served.get(place.queueKey) ?? [];
    times.push(at);
    if (times.length > this.servedSample) times.shift();
    this.served.set(place.queueKey, times);
  }

  /** The agent's phone did not take it: back to the place it had. */
  deliveryFailed(interactionId: string): void {
    const place = this.assigned.get(interactionId);
    if (!place) return;
    this.assigned.delete(interactionId);
    this.waiting.set(interactionId, place);
  }

  /** Abandoned, withdrawn, rejected or completed: it waits nowhere any more. */
  left(interactionId: string): void {
    this.waiting.delete(interactionId);
    this.assigned.delete(interactionId);
  }

  status(interactionId: string, now: number): QueueStatus | undefined {
    const place = this.waiting.get(interactionId);
    if (!place) return undefined;
    let position = 1;
    for (const other of this.waiting.values()) if (other.queueKey === place.queueKey && other.seq < place.seq) position++;
    const interval = this.meanServiceInterval(place.queueKey, now);
    return interval === undefined ? { position } : { position, expectedWaitMs: Math.round(position * interval) };
  }

  private meanServiceInterval(queueKey: string, now: number): number | undefined {
    const recent = (this.served.get(queueKey) ?? []).filter((at) => now - at <= this.servedWindowMs);
    if (recent.length < 2) return undefined;
    const span = recent[recent.length - 1] - recent[0];
    return span > 0 ? span / (recent.length - 1) : undefined;
  }
}
