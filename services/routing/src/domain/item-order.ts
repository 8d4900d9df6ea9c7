import { Comparator } from './collections/sorted-list';
import { WorkItem } from './work-item';

/**
 * The order in which a queue serves its items: priority first, then age (earlier enqueue
 * first), then arrival sequence. With aging every item gains one priority point per
 * `agingIntervalMs` waited; since all items age at the same rate the order between two items
 * never changes while they wait, so it is the static key enqueuedAt − priority × interval.
 */
export function queueOrder(agingIntervalMs: number | undefined): Comparator<WorkItem> {
  if (agingIntervalMs === undefined) {
    return (a, b) => b.priority - a.priority || a.enqueuedAt - b.enqueuedAt || a.seq - b.seq;
  }
  return (a, b) =>
    a.enqueuedAt - a.priority * agingIntervalMs - (b.enqueuedAt - b.priority * agingIntervalMs) ||
    a.enqueuedAt - b.enqueuedAt ||
    a.seq - b.seq;
}

/** Priority including aging at `now`; compares items of queues with different aging. */
export function effectivePriority(item: WorkItem, agingIntervalMs: number | undefined, now: number): number {
  return agingIntervalMs === undefined ? item.priority : item.priority + (now - item.enqueuedAt) / agingIntervalMs;
}

/** Order of items preferring one agent, whatever their queue: priority, then age. */
export const preferredOrder: Comparator<WorkItem> = queueOrder(undefined);
