import { AgentConfig } from './agent.config';
import { BusinessHours, QueueConfig } from './queue.config';
import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, offered, ofType, routingErrorOf, T0 } from './routing.test-fixtures';

const tenantId = 'northwind';
const voiceAgent = (agentId: string, overrides: Partial<AgentConfig> = {}): AgentConfig =>
  anAgent({ agentId, capacity: { voice: 1 }, ...overrides });

describe(RoutingEngine.name, () => {
  let sut: RoutingEngine;
  const call = (interactionId: string, now: number, queueId = 'sales', priority?: number) =>
    sut.enqueue({ tenantId, interactionId, channel: 'voice', queueId, priority, now });
  const offeredTo = (events: ReturnType<RoutingEngine['tick']>) => offered(events).map((offer) => offer.agentId);

  describe('routing steps', () => {
    const spanish = aQueue({
      queueId: 'sales',
      steps: [
        { conditions: [{ skill: 'spanish', minLevel: 4 }], expiresAfterMs: 10_000 },
        { conditions: [{ skill: 'spanish', minLevel: 2 }], expiresAfterMs: 10_000 },
      ],
    });

    it('relaxes the skill conditions step by step, then takes any agent of the queue', () => {
      sut = engineWith([spanish], [voiceAgent('ana', { skills: { spanish: 2 } }), voiceAgent('ben')]);
      sut.setState({ agentId: 'ana', state: 'away', reasonCode: 'training', now: T0 });

      expect(offered(call('c1', T0))).toEqual([]);
      expect(sut.nextDeadline()).toBe(T0 + 10_000);
      expect(offered(sut.tick(T0 + 10_000))).toEqual([]);
      expect(offeredTo(sut.setState({ agentId: 'ana', state: 'available', now: T0 + 15_000 }))).toEqual(['ana']);
    });

    it('offers to any agent after the last step expires', () => {
      sut = engineWith([spanish], [voiceAgent('ben')]);
      call('c1', T0);

      expect(offered(sut.tick(T0 + 19_999))).toEqual([]);
      expect(offeredTo(sut.tick(T0 + 20_000))).toEqual(['ben']);
      expect(sut.nextDeadline()).toBe(T0 + 35_000);
    });

    it('uses steps given with the item instead of the queue steps', () => {
      sut = engineWith([spanish], [voiceAgent('ben', { skills: { french: 5 } })]);

      const events = sut.enqueue({
        tenantId,
        interactionId: 'c1',
        channel: 'voice',
        queueId: 'sales',
        steps: [{ conditions: [{ skill: 'french', minLevel: 5 }] }],
        now: T0,
      });

      expect(offeredTo(events)).toEqual(['ben']);
    });

    it('re-evaluates waiting items when the queue steps change', () => {
      sut = engineWith([spanish], [voiceAgent('ben')]);
      call('c1', T0);

      const events = sut.upsertQueue({ config: { ...spanish, steps: [] }, now: T0 + 1_000 });

      expect(offeredTo(events)).toEqual(['ben']);
    });
  });

  describe('priority and aging', () => {
    it('lets an older item overtake a newer one of higher priority once it has aged enough', () => {
      const aging = aQueue({ queueId: 'sales', agingIntervalMs: 10_000 });
      sut = engineWith([aging], [voiceAgent('ana')]);
      sut.setState({ agentId: 'ana', state: 'away', reasonCode: 'break', now: T0 });
      call('patient', T0, 'sales', 0);
      // One priority point ahead and only 5 s younger: still ahead.
      call('early-urgent', T0 + 5_000, 'sales', 1);
      // One priority point ahead but 20 s younger, two points' worth of aging: behind.
      call('late-urgent', T0 + 20_000, 'sales', 1);

      const events = sut.setState({ agentId: 'ana', state: 'available', now: T0 + 30_000 });

      expect(offered(events).map((offer) => offer.interactionId)).toEqual(['early-urgent']);
      expect(sut.queueStatus('sales', T0 + 30_000).items.map((item) => item.interactionId)).toEqual(['patient', 'late-urgent']);
    });
  });

  describe('size', () => {
    it('refuses work beyond the maximum number of waiting items', () => {
      sut = engineWith([aQueue({ queueId: 'sales', maxSize: 2 })], []);
      call('c1', T0);
      call('c2', T0);

      expect(routingErrorOf(() => call('c3', T0)).code).toBe('QUEUE_FULL');
    });
  });

  describe('overflow', () => {
    const queues: QueueConfig[] = [
      aQueue({ queueId: 'backup' }),
      aQueue({ queueId: 'sales', overflow: { afterMs: 60_000, queueId: 'backup' } }),
    ];

    it('moves a waiting item to the overflow queue after its time, keeping its enqueue time', () => {
      sut = engineWith(queues, [voiceAgent('ben', { queues: [{ queueId: 'backup', priority: 1, delayMs: 0 }] })]);
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
      call('c1', T0);

      const events = sut.tick(T0 + 60_000);
      const assigned = sut.setState({ agentId: 'ben', state: 'available', now: T0 + 61_000 });
      const offer = offered(assigned)[0];

      expect(ofType(events, 'overflowed')).toEqual([
        { type: 'overflowed', at: T0 + 60_000, tenantId, interactionId: 'c1', queueId: 'sales', toQueueId: 'backup' },
      ]);
      expect(offer.agentId).toBe('ben');
      const accepted = sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ben', now: T0 + 62_000 });
      expect(ofType(accepted, 'assigned')[0]).toEqual(expect.objectContaining({ queueId: 'backup', queueTimeMs: 62_000 }));
    });

    it('lets an item whose offer timed out past its overflow time compete in the overflow queue at once', () => {
      const slowOffers = [queues[0], { ...queues[1], offerTimeoutMs: 90_000 }];
      sut = engineWith(slowOffers, [
        voiceAgent('ana'),
        voiceAgent('ben', { queues: [{ queueId: 'backup', priority: 1, delayMs: 0 }] }),
      ]);
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
      call('first', T0);
      call('second', T0 + 1_000, 'backup');

      const events = sut.setState({ agentId: 'ben', state: 'available', now: T0 + 90_000 });

      expect(events.map((event) => event.type)).toContain('overflowed');
      expect(offered(events)).toEqual([expect.objectContaining({ interactionId: 'first', agentId: 'ben' })]);
    });

    it('leaves the item where it is when the overflow queue is full', () => {
      sut = engineWith([aQueue({ queueId: 'backup', maxSize: 1 }), queues[1]], []);
      call('b1', T0, 'backup');
      call('c1', T0);

      expect(sut.tick(T0 + 60_000)).toEqual([]);
      expect(sut.waitingStatus('c1', T0 + 60_000)).toEqual(expect.objectContaining({ position: 1 }));
      expect(sut.nextDeadline()).toBeNull();
    });
  });

  describe('business hours', () => {
    // T0 is Monday 09:00 UTC; the queue is open Monday 08:00–12:00 UTC.
    const hours = (whenClosed: BusinessHours['whenClosed']): BusinessHours => ({
      timeZone: 'UTC',
      weekly: [{ day: 1, open: '08:00', close: '12:00' }],
      holidays: [],
      whenClosed,
    });
    const afterHours = T0 + 4 * 3_600_000;

    it('accepts work while open', () => {
      sut = engineWith([aQueue({ queueId: 'sales', businessHours: hours({ kind: 'reject' }) })], []);

      expect(ofType(call('c1', T0), 'queued')).toHaveLength(1);
    });

    it('refuses new work when closed with "reject"', () => {
      sut = engineWith([aQueue({ queueId: 'sales', businessHours: hours({ kind: 'reject' }) })], []);

      expect(routingErrorOf(() => call('c1', afterHours)).code).toBe('QUEUE_CLOSED');
    });

    it('redirects new work when closed with "redirect"', () => {
      const queues = [
        aQueue({ queueId: 'night' }),
        aQueue({ queueId: 'sales', businessHours: hours({ kind: 'redirect', queueId: 'night' }) }),
      ];
      sut = engineWith(queues, []);

      expect(ofType(call('c1', afterHours), 'queued')[0]).toEqual(
        expect.objectContaining({ queueId: 'night', redirectedFrom: 'sales' }),
      );
    });

    it('queues new work when closed with "queue", and keeps serving what waits', () => {
      sut = engineWith([aQueue({ queueId: 'sales', businessHours: hours({ kind: 'queue' }) })], [voiceAgent('ana')]);

      expect(offeredTo(call('c1', afterHours))).toEqual(['ana']);
    });
  });

  describe('position and estimated wait', () => {
    it('reports each waiting item with position × AHT / staffed slots', () => {
      const queue = aQueue({ queueId: 'sales', defaultHandleTimeMs: 120_000 });
      sut = engineWith([queue], [voiceAgent('ana'), voiceAgent('ben')]);
      for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) call(id, T0);

      const status = sut.queueStatus('sales', T0 + 10_000);

      expect(status).toEqual({
        queueId: 'sales',
        waiting: 3,
        oldestWaitMs: 10_000,
        averageHandleTimeMs: 120_000,
        staffedSlots: { voice: 2, chat: 0, email: 0 },
        items: [
          { interactionId: 'c3', channel: 'voice', position: 1, waitedMs: 10_000, estimatedWaitMs: 60_000 },
          { interactionId: 'c4', channel: 'voice', position: 2, waitedMs: 10_000, estimatedWaitMs: 120_000 },
          { interactionId: 'c5', channel: 'voice', position: 3, waitedMs: 10_000, estimatedWaitMs: 180_000 },
        ],
      });
      expect(sut.waitingStatus('c4', T0 + 10_000)).toEqual(status.items[1]);
      expect(sut.waitingStatus('c1', T0 + 10_000)).toBeUndefined();
    });

    it('learns the handle time from completed work', () => {
      sut = engineWith([aQueue({ queueId: 'sales' })], [voiceAgent('ana')]);
      const [offer] = offered(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });
      sut.complete({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 + 90_000 });
      call('c2', T0 + 90_000);
      call('c3', T0 + 90_000);

      expect(sut.queueStatus('sales', T0 + 90_000).averageHandleTimeMs).toBe(90_000);
      expect(sut.waitingStatus('c3', T0 + 90_000)?.estimatedWaitMs).toBe(90_000);
    });

    it('has no estimate when nobody is staffed', () => {
      sut = engineWith([aQueue({ queueId: 'sales' })], []);
      call('c1', T0);

      expect(sut.waitingStatus('c1', T0)?.estimatedWaitMs).toBeNull();
    });
  });
});
