export interface TimerHandle {
  cancel(): void;
}

/** Time source for the transaction and dialog timers, so tests drive virtual time. */
export interface TimerScheduler {
  now(): number;
  schedule(delayMs: number, fire: () => void): TimerHandle;
}

export const realTimers: TimerScheduler = {
  now: () => Date.now(),
  schedule(delayMs, fire) {
    const timer = setTimeout(fire, delayMs);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** RFC 3261 §17 timer values; T1 500 ms, T2 4 s, T4 5 s by default (Table 4). */
export interface SipTimers {
  t1: number;
  t2: number;
  t4: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1: 500, t2: 4000, t4: 5000 };

/** A deterministic scheduler for unit tests: timers fire only when time is advanced. */
export class ManualScheduler implements TimerScheduler {
  private time = 0;
  private seq = 0;
  private readonly pending: { at: number; seq: number; fire: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fire: () => void): TimerHandle {
    const entry = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fire, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.pending
        .filter((entry) => !entry.cancelled && entry.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.cancelled = true;
      this.time = due.at;
      due.fire();
    }
    this.time = until;
  }

  get activeTimers(): number {
    return this.pending.filter((entry) => !entry.cancelled).length;
  }
}
