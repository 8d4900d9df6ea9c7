import { Channel } from './channel';

/** Where one waiting item stands. */
export interface WaitingItemStatus {
  readonly interactionId: string;
  readonly channel: Channel;
  /** 1 = next to be served among the queue's waiting items of the same channel. */
  readonly position: number;
  readonly waitedMs: number;
  /** null when no agent is staffed for the channel, so no estimate exists. */
  readonly estimatedWaitMs: number | null;
}

export interface QueueStatus {
  readonly queueId: string;
  readonly waiting: number;
  readonly oldestWaitMs: number | null;
  readonly averageHandleTimeMs: number;
  /** Concurrent slots of available members per channel (the N of the wait estimate). */
  readonly staffedSlots: Partial<Record<Channel, number>>;
  readonly items: readonly WaitingItemStatus[];
}

interface Samples {
  values: number[];
  next: number;
  sum: number;
}

/** The most recent handle times per queue (assignment to end of after-contact work). */
export class QueueStats {
  private readonly samples = new Map<string, Samples>();

  constructor(private readonly sampleSize = 50) {}

  recordHandleTime(queueId: string, handleTimeMs: number): void {
    let samples = this.samples.get(queueId);
    if (!samples) {
      samples = { values: [], next: 0, sum: 0 };
      this.samples.set(queueId, samples);
    }
    if (samples.values.length < this.sampleSize) {
      samples.values.push(handleTimeMs);
    } else {
      samples.sum -= samples.values[samples.next];
      samples.values[samples.next] = handleTimeMs;
      samples.next = (samples.next + 1) % this.sampleSize;
    }
    samples.sum += handleTimeMs;
  }

  /** Mean of the recent handle times, or undefined before the queue's first one. */
  averageHandleTimeMs(queueId: string): number | undefined {
    const samples = this.samples.get(queueId);
    return samples ? samples.sum / samples.values.length : undefined;
  }

  /** Recent handle times per queue, oldest first. */
  toJSON(): Record<string, number[]> {
    const json: Record<string, number[]> = {};
    for (const [queueId, { values, next }] of this.samples) json[queueId] = [...values.slice(next), ...values.slice(0, next)];
    return json;
  }

  static fromJSON(json: Record<string, number[]>, sampleSize?: number): QueueStats {
    const stats = new QueueStats(sampleSize);
    for (const [queueId, values] of Object.entries(json)) for (const value of values) stats.recordHandleTime(queueId, value);
    return stats;
  }
}

/**
 * Estimated wait of the item at `position` (1-based): position × AHT / N.
 *
 * With N slots busy and handle times roughly exponential with mean AHT, slots free up at a
 * combined rate of N / AHT, so the expected time until the position-th one frees (the item's
 * turn) is position × AHT / N. It ignores skills and delays (all staffed slots are assumed to
 * serve the queue in order) and later higher-priority arrivals, so it is an estimate for a
 * customer message, not a promise. null when N is 0.
 */
export function estimateWaitMs(position: number, averageHandleTimeMs: number, staffedSlots: number): number | null {
  if (staffedSlots <= 0) return null;
  return Math.round((position * averageHandleTimeMs) / staffedSlots);
}
