import { AgentConfig } from './agent.config';
import { QueueConfig } from './queue.config';
import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, newEngine, offered, ofType, T0 } from './routing.test-fixtures';

const chatAgent = (agentId: string, overrides: Partial<AgentConfig> = {}): AgentConfig =>
  anAgent({ agentId, capacity: { chat: 3 }, ...overrides });

describe(RoutingEngine.name, () => {
  describe('choosing an agent for a new item', () => {
    let clock: number;
    let sut: RoutingEngine;
    let next = 0;
    const enqueue = (overrides: { channel?: 'voice' | 'chat'; queueId?: string } = {}) =>
      sut.enqueue({
        tenantId: 'northwind',
        interactionId: `i${++next}`,
        channel: overrides.channel ?? 'chat',
        queueId: overrides.queueId ?? 'sales',
        now: ++clock,
      });
    const offeredTo = (events: ReturnType<RoutingEngine['enqueue']>) => offered(events).map((offer) => offer.agentId);

    /** Agents log in one second apart, in the order given: the first has been idle longest. */
    const start = (queue: QueueConfig, agents: AgentConfig[]): void => {
      sut = newEngine();
      sut.upsertQueue({ config: queue, now: T0 });
      agents.forEach((config) => sut.upsertAgent({ config, now: T0 }));
      clock = T0;
      for (const config of agents) sut.login({ agentId: config.agentId, now: (clock += 1_000) });
    };

    it('picks the agent idle the longest by default', () => {
      start(aQueue({ queueId: 'sales' }), [chatAgent('ana'), chatAgent('ben'), chatAgent('cat')]);

      expect([enqueue(), enqueue(), enqueue(), enqueue()].flatMap(offeredTo)).toEqual(['ana', 'ben', 'cat', 'ana']);
    });

    it('measures idleness per channel', () => {
      const concurrent = { capacity: { voice: 1, chat: 3 }, crossChannel: 'concurrent' as const };
      start(aQueue({ queueId: 'sales' }), [
        anAgent({ agentId: 'ana', ...concurrent }),
        anAgent({ agentId: 'ben', ...concurrent }),
      ]);

      expect(offeredTo(enqueue({ channel: 'chat' }))).toEqual(['ana']);
      expect(offeredTo(enqueue({ channel: 'chat' }))).toEqual(['ben']);
      // Ana's chat made her chat-busy more recently, but she has been voice-idle the longest.
      expect(offeredTo(enqueue({ channel: 'voice' }))).toEqual(['ana']);
    });

    it('picks the most proficient agent in the skills the current step asks for', () => {
      const queue = aQueue({
        queueId: 'sales',
        strategy: 'most-proficient',
        steps: [{ conditions: [{ skill: 'spanish', minLevel: 2 }], expiresAfterMs: 60_000 }],
      });
      start(queue, [
        chatAgent('ana', { skills: { spanish: 2 } }),
        chatAgent('ben', { skills: { spanish: 5 } }),
        chatAgent('cat', { skills: { spanish: 5 } }),
        chatAgent('dan', { skills: { german: 5 } }),
      ]);

      // Ben and Cat tie on proficiency; Ben has been idle longer.
      expect([enqueue(), enqueue(), enqueue(), enqueue()].flatMap(offeredTo)).toEqual(['ben', 'cat', 'ben', 'cat']);
    });

    it('picks the least occupied agent as a share of its total capacity', () => {
      start(aQueue({ queueId: 'sales', strategy: 'least-occupied' }), [
        chatAgent('ana', { capacity: { chat: 4 } }),
        chatAgent('ben', { capacity: { chat: 2 } }),
        chatAgent('cat', { capacity: { chat: 3 } }),
      ]);

      // Fourth: Ana 1/4 < Cat 1/3 < Ben 1/2. Fifth: Cat 1/3 < Ana 2/4 = Ben 1/2.
      expect([enqueue(), enqueue(), enqueue(), enqueue(), enqueue()].flatMap(offeredTo)).toEqual([
        'ana',
        'ben',
        'cat',
        'ana',
        'cat',
      ]);
    });

    it('rotates round robin in a fixed agent order, whoever has been idle longest', () => {
      sut = newEngine();
      sut.upsertQueue({ config: aQueue({ queueId: 'sales', strategy: 'round-robin' }), now: T0 });
      for (const agentId of ['ana', 'ben', 'cat']) sut.upsertAgent({ config: chatAgent(agentId), now: T0 });
      clock = T0;
      for (const agentId of ['cat', 'ben', 'ana']) sut.login({ agentId, now: (clock += 1_000) });

      expect([enqueue(), enqueue(), enqueue(), enqueue(), enqueue()].flatMap(offeredTo)).toEqual([
        'ana',
        'ben',
        'cat',
        'ana',
        'ben',
      ]);
    });

    it('skips agents without the skills of the current step', () => {
      const queue = aQueue({
        queueId: 'sales',
        steps: [{ conditions: [{ skill: 'spanish', minLevel: 4 }], expiresAfterMs: 60_000 }],
      });
      start(queue, [chatAgent('ana', { skills: { spanish: 3 } }), chatAgent('ben', { skills: { spanish: 4 } })]);

      expect(offeredTo(enqueue())).toEqual(['ben']);
    });
  });

  describe('choosing an item for an agent that frees capacity', () => {
    const queues = [aQueue({ queueId: 'sales' }), aQueue({ queueId: 'support' })];
    const ana = anAgent({
      agentId: 'ana',
      capacity: { voice: 1 },
      queues: [
        { queueId: 'sales', priority: 1, delayMs: 0 },
        { queueId: 'support', priority: 2, delayMs: 0 },
      ],
    });
    let sut: RoutingEngine;

    const voiceCall = (interactionId: string, queueId: string, now: number, priority?: number) =>
      sut.enqueue({ tenantId: 'northwind', interactionId, channel: 'voice', queueId, priority, now });

    /** Ana takes a first call, the listed calls queue behind it, then she finishes at `now`. */
    const busyThenFree = (queue: () => void, now = T0 + 60_000) => {
      sut = engineWith(queues, [ana]);
      const [first] = offered(voiceCall('first', 'sales', T0));
      sut.accept({ tenantId: 'northwind', offerId: first.offerId, agentId: 'ana', now: T0 });
      queue();
      return offered(sut.complete({ tenantId: 'northwind', interactionId: 'first', agentId: 'ana', now }));
    };

    it('serves the queue ranked first in its profile before older work of a lower-ranked queue', () => {
      const next = busyThenFree(() => {
        voiceCall('old-support', 'support', T0 + 1_000);
        voiceCall('new-sales', 'sales', T0 + 2_000);
      });

      expect(next.map((offer) => offer.interactionId)).toEqual(['new-sales']);
    });

    it('serves a higher item priority before age', () => {
      const next = busyThenFree(() => {
        voiceCall('old', 'sales', T0 + 1_000, 0);
        voiceCall('urgent', 'sales', T0 + 2_000, 5);
      });

      expect(next.map((offer) => offer.interactionId)).toEqual(['urgent']);
    });

    it('serves equal priorities oldest first', () => {
      const next = busyThenFree(() => {
        voiceCall('older', 'sales', T0 + 1_000);
        voiceCall('newer', 'sales', T0 + 2_000);
      });

      expect(next.map((offer) => offer.interactionId)).toEqual(['older']);
    });

    it('compares queues of equal profile rank by priority, then age', () => {
      const peer = anAgent({
        agentId: 'ana',
        capacity: { voice: 1 },
        queues: [
          { queueId: 'sales', priority: 1, delayMs: 0 },
          { queueId: 'support', priority: 1, delayMs: 0 },
        ],
      });
      sut = engineWith(queues, [peer]);
      const [first] = offered(voiceCall('first', 'sales', T0));
      sut.accept({ tenantId: 'northwind', offerId: first.offerId, agentId: 'ana', now: T0 });
      voiceCall('old-support', 'support', T0 + 1_000);
      voiceCall('new-sales', 'sales', T0 + 2_000);

      const next = offered(sut.complete({ tenantId: 'northwind', interactionId: 'first', agentId: 'ana', now: T0 + 3_000 }));

      expect(next.map((offer) => offer.interactionId)).toEqual(['old-support']);
    });

    it('waits out the profile delay of a queue before taking its items', () => {
      const delayed = anAgent({
        agentId: 'ana',
        capacity: { voice: 1 },
        queues: [{ queueId: 'support', priority: 1, delayMs: 30_000 }],
      });
      sut = engineWith(queues, [delayed]);

      expect(offered(voiceCall('call', 'support', T0 + 1_000))).toEqual([]);
      expect(sut.nextDeadline()).toBe(T0 + 31_000);
      expect(offered(sut.tick(T0 + 30_999))).toEqual([]);
      expect(offered(sut.tick(T0 + 31_000)).map((offer) => offer.agentId)).toEqual(['ana']);
    });

    it('keeps a delay timer that falls due in the same instant as a profile change', () => {
      const delayed = anAgent({
        agentId: 'ana',
        capacity: { voice: 1 },
        queues: [{ queueId: 'support', priority: 1, delayMs: 30_000 }],
      });
      const emailOnly = (delayMs: number) =>
        anAgent({ agentId: 'ben', capacity: { email: 1 }, queues: [{ queueId: 'support', priority: 1, delayMs }] });
      sut = engineWith(queues, [delayed, emailOnly(0)]);
      voiceCall('call', 'support', T0);

      // Ben's new delay reschedules the waiting call exactly when Ana's delay runs out.
      const events = sut.upsertAgent({ config: emailOnly(50_000), now: T0 + 30_000 });

      expect(offered(events).map((offer) => offer.agentId)).toEqual(['ana']);
    });
  });

  describe('a new item at the instant a timer fires', () => {
    it('lets an item whose offer timed out go first: the timer fires before the arrival is matched', () => {
      const voiceAgent = (agentId: string) => anAgent({ agentId, capacity: { voice: 1 } });
      const sut = engineWith([aQueue({ queueId: 'sales', offerTimeoutMs: 15_000 })], [voiceAgent('ana'), voiceAgent('ben')]);
      const call = (interactionId: string, now: number) =>
        sut.enqueue({ tenantId: 'northwind', interactionId, channel: 'voice', queueId: 'sales', now });
      expect(offered(call('first', T0)).map((offer) => offer.agentId)).toEqual(['ana']);

      const events = call('second', T0 + 15_000);

      expect(ofType(events, 'offerTimedOut').map((event) => event.interactionId)).toEqual(['first']);
      expect(offered(events).map(({ interactionId, agentId }) => [interactionId, agentId])).toEqual([['first', 'ben']]);
      expect(sut.waitingStatus('second', T0 + 15_000)?.position).toBe(1);
    });
  });

  describe('preferred agent', () => {
    const agents = [chatAgent('ana'), chatAgent('ben')];
    const preferBen = (sut: RoutingEngine, now = T0 + 1_000) =>
      sut.enqueue({
        tenantId: 'northwind',
        interactionId: 'returning-customer',
        channel: 'chat',
        queueId: 'sales',
        preferredAgent: { agentId: 'ben', windowMs: 20_000 },
        now,
      });

    it('goes to the preferred agent even when another has been idle longer', () => {
      const sut = engineWith([aQueue({ queueId: 'sales' })], agents);

      expect(offered(preferBen(sut)).map((offer) => offer.agentId)).toEqual(['ben']);
    });

    it('waits for the preferred agent while the window lasts, then goes to anyone', () => {
      const sut = engineWith([aQueue({ queueId: 'sales' })], agents);
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'lunch', now: T0 });

      expect(offered(preferBen(sut))).toEqual([]);
      expect(sut.nextDeadline()).toBe(T0 + 21_000);
      expect(offered(sut.tick(T0 + 21_000)).map((offer) => offer.agentId)).toEqual(['ana']);
    });

    it('ends the window early when the preferred agent declines', () => {
      const sut = engineWith([aQueue({ queueId: 'sales' })], agents);
      const [offer] = offered(preferBen(sut));

      const events = sut.reject({ tenantId: 'northwind', offerId: offer.offerId, agentId: 'ben', now: T0 + 2_000 });

      expect(offered(events).map((next) => next.agentId)).toEqual(['ana']);
    });

    it('ignores a preferred agent not granted the tenant', () => {
      const sut = engineWith(
        [aQueue({ queueId: 'sales' })],
        [chatAgent('ana'), chatAgent('ben', { tenantIds: ['contoso'], queues: [] })],
      );

      expect(offered(preferBen(sut)).map((offer) => offer.agentId)).toEqual(['ana']);
    });
  });

  describe('tenants', () => {
    it('gives an agent only work of the tenants it is granted', () => {
      const queues = [aQueue({ queueId: 'northwind-sales' }), aQueue({ queueId: 'contoso-sales', tenantId: 'contoso' })];
      const northwindOnly = chatAgent('ana', { queues: [{ queueId: 'northwind-sales', priority: 1, delayMs: 0 }] });
      const bpo = chatAgent('ben', {
        tenantIds: ['northwind', 'contoso'],
        queues: [
          { queueId: 'northwind-sales', priority: 1, delayMs: 0 },
          { queueId: 'contoso-sales', priority: 1, delayMs: 0 },
        ],
      });
      const sut = engineWith(queues, [northwindOnly, bpo]);

      const events = [
        ...sut.enqueue({ tenantId: 'contoso', interactionId: 'c1', channel: 'chat', queueId: 'contoso-sales', now: T0 + 1 }),
        ...sut.enqueue({ tenantId: 'contoso', interactionId: 'c2', channel: 'chat', queueId: 'contoso-sales', now: T0 + 2 }),
        ...sut.enqueue({ tenantId: 'northwind', interactionId: 'n1', channel: 'chat', queueId: 'northwind-sales', now: T0 + 3 }),
      ];

      expect(offered(events).map(({ interactionId, agentId }) => `${interactionId}→${agentId}`)).toEqual([
        'c1→ben',
        'c2→ben',
        'n1→ana',
      ]);
      expect(ofType(events, 'offered').every((offer) => offer.agentId === 'ben' || offer.tenantId === 'northwind')).toBe(true);
    });
  });
});
