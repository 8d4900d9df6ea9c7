export interface RtpReceiveStatsOptions {
  /** RTP clock rate of the stream's payload. */
  readonly clockRate?: number;
  /** A packet arriving this much later than the earliest-arriving one (relative to its timestamp) is late. */
  readonly lateThresholdMs?: number;
}

export interface RtpReceiveStatsSnapshot {
  /** Unique packets received. */
  readonly received: number;
  /** Packets the sequence numbers say were sent (RFC 3550 A.3). */
  readonly expected: number;
  readonly lost: number;
  readonly duplicates: number;
  /** Packets older than one already received. */
  readonly outOfOrder: number;
  readonly late: number;
  /** Interarrival jitter (RFC 3550 A.8), in milliseconds. */
  readonly jitterMs: number;
}

const WINDOW = 1024;

/**
 * Receive statistics of one RTP source: extended sequence numbers with wrap-around (RFC 3550
 * A.1), loss (A.3), interarrival jitter (A.8), duplicates within the last 1024 packets, and
 * lateness against a playout point set by the fastest packet seen.
 */
export class RtpReceiveStats {
  private readonly clockRate: number;
  private readonly lateThresholdMs: number;
  private readonly seen = new Float64Array(WINDOW).fill(-1);
  private baseSeq = -1;
  private maxExtended = -1;
  private receivedCount = 0;
  private duplicateCount = 0;
  private outOfOrderCount = 0;
  private lateCount = 0;
  private jitter = 0;
  private previousArrival = 0;
  private previousTimestamp = 0;
  private unwrappedTimestamp = 0;
  private minTransitMs = Infinity;

  constructor(options: RtpReceiveStatsOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.lateThresholdMs = options.lateThresholdMs ?? 60;
  }

  /**
   * Counts one packet; `arrivalMs` is a monotonic clock reading. `timed` is false for packets
   * whose timestamp is not their sampling instant (telephone events keep the event's start).
   */
  record(sequenceNumber: number, timestamp: number, arrivalMs: number, timed = true): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    if (this.baseSeq < 0) {
      this.baseSeq = sequenceNumber;
      this.maxExtended = sequenceNumber;
      this.previousArrival = arrival;
      this.previousTimestamp = timestamp;
      this.markSeen(sequenceNumber);
      this.receivedCount = 1;
      if (timed) this.minTransitMs = arrivalMs;
      return;
    }
    const maxSeq = this.maxExtended & 0xffff;
    const ahead = (sequenceNumber - maxSeq) & 0xffff;
    let extended: number;
    if (ahead !== 0 && ahead < 0x8000) {
      extended = this.maxExtended + ahead;
      this.maxExtended = extended;
    } else {
      extended = this.maxExtended - ((maxSeq - sequenceNumber) & 0xffff);
    }
    if (this.seen[extended % WINDOW] === extended) {
      this.duplicateCount++;
      return;
    }
    this.markSeen(extended);
    this.receivedCount++;
    if (extended < this.maxExtended) this.outOfOrderCount++;
    if (!timed) return;

    // Signed 32-bit difference, so timestamp wrap-around does not look like a jump.
    const timestampDelta = (timestamp - this.previousTimestamp) | 0;
    const d = Math.abs(arrival - this.previousArrival - timestampDelta);
    this.jitter += (d - this.jitter) / 16;
    this.previousArrival = arrival;
    this.previousTimestamp = timestamp;
    this.unwrappedTimestamp += timestampDelta;

    const transitMs = arrivalMs - (this.unwrappedTimestamp * 1000) / this.clockRate;
    if (transitMs < this.minTransitMs) this.minTransitMs = transitMs;
    else if (transitMs - this.minTransitMs > this.lateThresholdMs) this.lateCount++;
  }

  snapshot(): RtpReceiveStatsSnapshot {
    const expected = this.baseSeq < 0 ? 0 : this.maxExtended - this.baseSeq + 1;
    return {
      received: this.receivedCount,
      expected,
      lost: Math.max(0, expected - this.receivedCount),
      duplicates: this.duplicateCount,
      outOfOrder: this.outOfOrderCount,
      late: this.lateCount,
      jitterMs: (this.jitter * 1000) / this.clockRate,
    };
  }

  private markSeen(extended: number): void {
    this.seen[extended % WINDOW] = extended;
  }
}
