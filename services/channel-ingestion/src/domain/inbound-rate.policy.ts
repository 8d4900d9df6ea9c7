/** A token bucket: `ratePerSecond` sustained, bursts up to `burst`. Time is passed in. */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.updatedAtMs = nowMs;
  }

  /** Takes one token; when none is left, how many ms until one is. */
  take(nowMs: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const elapsed = Math.max(0, nowMs - this.updatedAtMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAtMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond) };
  }
}

/**
 * Inbound limits per tenant and channel account, checked before anything is stored, so a burst
 * is refused (429, the provider retries) rather than accepted and then dropped.
 */
export class InboundRatePolicy {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly maxBuckets = 100_000) {}

  take(tenantId: string, accountId: string, ratePerSecond: number, nowMs: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const key = `${tenantId}/${accountId}/${ratePerSecond}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Forgetting every bucket at the cap only ever lets more through, never fewer.
      if (this.buckets.size >= this.maxBuckets) this.buckets.clear();
      bucket = new TokenBucket(ratePerSecond, Math.max(1, ratePerSecond * 2), nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }
}
