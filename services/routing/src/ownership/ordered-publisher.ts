import type { EventBus, EventRecord } from '@contactcenter/messaging';

const RETRY_MS = 200;

/**
 * Publishes records in the order they were handed over (so each workspace's stay in order),
 * without making the caller wait: records that arrive while a publish is in flight go out
 * together next, in one produce request for all workspaces. A failed publish is retried (order
 * kept) until it succeeds or the publisher closes.
 */
export class OrderedPublisher {
  private readonly queue: EventRecord[] = [];
  private running?: Promise<void>;
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    private readonly logger?: { warn(message: string, context?: object): void },
  ) {}

  enqueue(record: EventRecord): void {
    if (this.closed) return;
    this.queue.push(record);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Publishes what is queued (no retry any more) and takes nothing new. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.bus.publish(batch);
      } catch (error) {
        this.queue.unshift(...batch);
        if (this.closed) return;
        this.logger?.warn('publishing routing work failed; retrying', { records: batch.length, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
