import { Channel } from '../channel';
import { SortedList } from '../collections/sorted-list';
import { RoutingEngine } from '../routing.engine';
import { RoutingEvent } from '../routing.events';
import { SeededRandom } from './seeded-random';

/** A Poisson stream of contacts into one queue. */
export interface ArrivalStream {
  readonly tenantId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly meanInterarrivalMs: number;
}

export interface SimulationScenario {
  /** Queues and agents configured, agents logged in, clock at `startAt`. */
  readonly engine: RoutingEngine;
  readonly startAt: number;
  readonly arrivals: readonly ArrivalStream[];
  /** Mean of the exponential handle time, from acceptance to completion. */
  readonly meanHandleTimeMs: number;
  readonly random: SeededRandom;
}

/** One simulated contact, in arrival order. */
export interface SimulatedCall {
  readonly interactionId: string;
  readonly arrivedAt: number;
  /** null when the contact was never answered within the run. */
  readonly waitMs: number | null;
}

type Happening =
  | { readonly at: number; readonly seq: number; readonly kind: 'arrival'; readonly stream: number }
  | {
      readonly at: number;
      readonly seq: number;
      readonly kind: 'completion';
      readonly tenantId: string;
      readonly interactionId: string;
      readonly agentId: string;
    };

/**
 * A discrete-event simulation around the real routing engine: contacts arrive as Poisson
 * streams, agents accept every offer at once and handle it for an exponential time, and the
 * engine's own timers fire through `tick` at `nextDeadline()`. The engine is driven with the
 * same commands the service sends, so the run measures the routing logic itself. The same
 * seed gives the same run.
 */
export class ContactCenterSimulator {
  private readonly calendar = new SortedList<Happening>((a, b) => a.at - b.at || a.seq - b.seq);
  private readonly calls: { interactionId: string; arrivedAt: number; waitMs: number | null }[] = [];
  private readonly callIndex = new Map<string, number>();
  private seq = 0;
  private now: number;

  constructor(private readonly scenario: SimulationScenario) {
    this.now = scenario.startAt;
    scenario.arrivals.forEach((_, stream) => this.scheduleArrival(stream));
  }

  /** Runs until `count` contacts have arrived and every one of them has been answered. */
  run(count: number): SimulatedCall[] {
    const { engine } = this.scenario;
    let answered = 0;
    while (answered < count || this.calls.length < count) {
      const next = this.calendar.first();
      const deadline = engine.nextDeadline();
      if (deadline !== null && (!next || deadline <= next.at)) {
        this.now = deadline;
        answered += this.handle(engine.tick(deadline), count);
        continue;
      }
      if (!next) break;
      this.calendar.delete(next);
      this.now = next.at;
      answered += this.handle(this.happen(next, count), count);
    }
    return this.calls.slice(0, count);
  }

  private happen(happening: Happening, count: number): RoutingEvent[] {
    const { engine, arrivals } = this.scenario;
    if (happening.kind === 'completion') {
      const { tenantId, interactionId, agentId } = happening;
      return engine.complete({ tenantId, interactionId, agentId, now: this.now });
    }
    const stream = arrivals[happening.stream];
    // Once enough contacts arrived the stream stops, so the run drains instead of growing.
    if (this.calls.length < count) this.scheduleArrival(happening.stream);
    const interactionId = `call-${this.calls.length}`;
    this.callIndex.set(interactionId, this.calls.length);
    this.calls.push({ interactionId, arrivedAt: this.now, waitMs: null });
    return engine.enqueue({
      tenantId: stream.tenantId,
      interactionId,
      channel: stream.channel,
      queueId: stream.queueId,
      now: this.now,
    });
  }

  /** Accepts offers at once and schedules completions; returns how many measured calls got answered. */
  private handle(events: RoutingEvent[], count: number): number {
    let answered = 0;
    for (const event of events) {
      if (event.type === 'offered') {
        const { tenantId, offerId, agentId } = event;
        answered += this.handle(this.scenario.engine.accept({ tenantId, offerId, agentId, now: this.now }), count);
      } else if (event.type === 'assigned') {
        const index = this.callIndex.get(event.interactionId)!;
        this.calls[index].waitMs = event.queueTimeMs;
        if (index < count) answered++;
        const handleMs = Math.max(1, Math.round(this.scenario.random.exponential(this.scenario.meanHandleTimeMs)));
        this.calendar.add({
          at: this.now + handleMs,
          seq: this.seq++,
          kind: 'completion',
          tenantId: event.tenantId,
          interactionId: event.interactionId,
          agentId: event.agentId,
        });
      }
    }
    return answered;
  }

  private scheduleArrival(stream: number): void {
    const gapMs = Math.round(this.scenario.random.exponential(this.scenario.arrivals[stream].meanInterarrivalMs));
    this.calendar.add({ at: this.now + gapMs, seq: this.seq++, kind: 'arrival', stream });
  }
}
