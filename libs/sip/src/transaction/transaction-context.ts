import type { SipMessage } from '../message/sip-message';
import type { SipEndpoint } from '../transport/sip-endpoint';
import type { SipTimers, TimerHandle, TimerScheduler } from './timer-scheduler';

/** What a transaction needs from the outside: a clock, timer values and a way to send. */
export interface TransactionContext {
  scheduler: TimerScheduler;
  timers: SipTimers;
  send(msg: SipMessage, destination: SipEndpoint): void;
}

/** Named timers of one transaction; starting a timer again replaces it. */
export class TransactionTimers {
  private readonly active = new Map<string, TimerHandle>();

  constructor(private readonly scheduler: TimerScheduler) {}

  start(name: string, delayMs: number, fire: () => void): void {
    this.stop(name);
    this.active.set(
      name,
      this.scheduler.schedule(delayMs, () => {
        this.active.delete(name);
        fire();
      }),
    );
  }

  stop(name: string): void {
    this.active.get(name)?.cancel();
    this.active.delete(name);
  }

  stopAll(): void {
    for (const handle of this.active.values()) handle.cancel();
    this.active.clear();
  }
}
