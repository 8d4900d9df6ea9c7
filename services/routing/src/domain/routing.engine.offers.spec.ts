import { AgentConfig } from './agent.config';
import { QueueConfig, WrapUpMode } from './queue.config';
import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, newEngine, offered, ofType, routingErrorOf, T0, WORKSPACE } from './routing.test-fixtures';

const voiceAgent = (agentId: string, overrides: Partial<AgentConfig> = {}): AgentConfig =>
  anAgent({ agentId, capacity: { voice: 1 }, ...overrides });
const tenantId = 'northwind';

describe(RoutingEngine.name, () => {
  let sut: RoutingEngine;
  const call = (interactionId: string, now: number, queueId = 'sales') =>
    sut.enqueue({ tenantId, interactionId, channel: 'voice', queueId, now });
  const offerOf = (events: ReturnType<RoutingEngine['tick']>) => offered(events)[0];

  describe('offers', () => {
    beforeEach(() => {
      sut = engineWith([aQueue({ queueId: 'sales', offerTimeoutMs: 15_000 })], [voiceAgent('ana'), voiceAgent('ben')]);
    });

    it('assigns the item when the agent accepts, with the time it waited', () => {
      sut.setState({ agentId: 'ana', state: 'away', reasonCode: 'break', now: T0 });
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
      call('c1', T0);
      const offer = offerOf(sut.setState({ agentId: 'ana', state: 'available', now: T0 + 8_000 }));

      const events = sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 + 9_000 });

      expect(events).toEqual([
        {
          type: 'assigned',
          at: T0 + 9_000,
          tenantId,
          interactionId: 'c1',
          queueId: 'sales',
          agentId: 'ana',
          offerId: offer.offerId,
          queueTimeMs: 9_000,
        },
        { type: 'agentStateChanged', at: T0 + 9_000, agentId: 'ana', previousState: 'available', state: 'on-contact' },
      ]);
    });

    it('offers with an expiry and reserves the agent until it ends', () => {
      const events = call('c1', T0 + 1_000);

      expect(ofType(events, 'offered')).toEqual([
        expect.objectContaining({ interactionId: 'c1', agentId: 'ana', expiresAt: T0 + 16_000 }),
      ]);
      expect(offerOf(call('c2', T0 + 2_000)).agentId).toBe('ben');
      expect(offered(call('c3', T0 + 3_000))).toEqual([]);
    });

    it('puts a rejected item back in its place and never offers it to that agent again', () => {
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
      const first = offerOf(call('c1', T0 + 1_000));
      call('c2', T0 + 2_000);

      const events = sut.reject({ tenantId, offerId: first.offerId, agentId: 'ana', now: T0 + 3_000 });

      expect(events[0]).toEqual({
        type: 'offerRejected',
        at: T0 + 3_000,
        tenantId,
        interactionId: 'c1',
        queueId: 'sales',
        agentId: 'ana',
        offerId: first.offerId,
      });
      // Ana is free again but may not get c1: she gets c2, and c1 stays first in line.
      expect(offerOf(events).interactionId).toBe('c2');
      expect(sut.waitingStatus('c1', T0 + 3_000)).toEqual(expect.objectContaining({ position: 1, waitedMs: 2_000 }));
      call('c3', T0 + 4_000);
      expect(offerOf(sut.setState({ agentId: 'ben', state: 'available', now: T0 + 5_000 })).interactionId).toBe('c1');
    });

    it('takes a timed-out offer back, sends the agent away as "missed" and offers the next agent', () => {
      call('c1', T0 + 1_000);
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 + 1_000 });
      expect(sut.nextDeadline()).toBe(T0 + 16_000);

      const events = sut.tick(T0 + 16_000);

      expect(events.map((event) => event.type)).toEqual(['offerTimedOut', 'agentStateChanged']);
      expect(events[1]).toEqual(expect.objectContaining({ agentId: 'ana', state: 'away', reasonCode: 'missed' }));
      expect(offerOf(sut.setState({ agentId: 'ben', state: 'available', now: T0 + 17_000 })).agentId).toBe('ben');
    });

    it('can keep an agent available after a missed offer', () => {
      sut = new RoutingEngine({ workspaceId: WORKSPACE, missedOfferReasonCode: null });
      sut.upsertQueue({ config: aQueue({ queueId: 'sales' }), now: T0 });
      sut.upsertAgent({ config: voiceAgent('ana'), now: T0 });
      sut.login({ agentId: 'ana', now: T0 });
      call('c1', T0);
      call('c2', T0);

      const events = sut.tick(T0 + 15_000);

      expect(events.map((event) => event.type)).toEqual(['offerTimedOut', 'offered']);
      expect(offerOf(events)).toEqual(expect.objectContaining({ interactionId: 'c2', agentId: 'ana' }));
    });

    it('refuses to accept an offer whose time ran out, before and after the timer fired', () => {
      const offer = offerOf(call('c1', T0));

      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 + 15_000 })).code).toBe(
        'OFFER_EXPIRED',
      );
      sut.tick(T0 + 15_000);
      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 + 15_001 })).code).toBe(
        'OFFER_EXPIRED',
      );
    });

    it('refuses a second accept, a reject after accept and an accept by another agent', () => {
      const offer = offerOf(call('c1', T0));
      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ben', now: T0 })).code).toBe(
        'OFFER_NOT_FOR_AGENT',
      );
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });

      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 })).code).toBe(
        'OFFER_ALREADY_ACCEPTED',
      );
      expect(routingErrorOf(() => sut.reject({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 })).code).toBe(
        'OFFER_ALREADY_ACCEPTED',
      );
    });

    it('withdraws pending offers when the agent logs out, without excluding it', () => {
      const offer = offerOf(call('c1', T0));
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });

      const events = sut.setState({ agentId: 'ana', state: 'offline', now: T0 + 1_000 });

      expect(events.map((event) => event.type)).toEqual(['offerRevoked', 'agentStateChanged']);
      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 + 1_000 })).code).toBe(
        'OFFER_WITHDRAWN',
      );
      sut.login({ agentId: 'ana', now: T0 + 2_000 });
      expect(sut.snapshot().items[0]).toEqual(expect.objectContaining({ state: 'offered', agentId: 'ana', excluded: [] }));
    });

    it('refuses logout while the agent handles work', () => {
      const offer = offerOf(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });

      expect(routingErrorOf(() => sut.setState({ agentId: 'ana', state: 'offline', now: T0 })).code).toBe('AGENT_HAS_WORK');
    });
  });

  describe('delivery failure', () => {
    const assign = (interactionId: string, agentId: string, now: number) => {
      const offer = offerOf(call(interactionId, now));
      expect(offer.agentId).toBe(agentId);
      sut.accept({ tenantId, offerId: offer.offerId, agentId, now });
    };
    const failed = (interactionId: string, agentId: string, now: number) =>
      sut.deliveryFailed({ tenantId, interactionId, agentId, reason: 'busy:486', now });

    beforeEach(() => {
      sut = engineWith([aQueue({ queueId: 'sales' })], [voiceAgent('ana'), voiceAgent('ben')]);
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
    });

    it('puts the item back in its place, frees the agent and sends it away as "missed"', () => {
      assign('c1', 'ana', T0 + 1_000);
      call('c2', T0 + 2_000);

      const events = failed('c1', 'ana', T0 + 5_000);

      expect(events).toEqual([
        { type: 'deliveryFailed', at: T0 + 5_000, tenantId, interactionId: 'c1', queueId: 'sales', agentId: 'ana', reason: 'busy:486' },
        { type: 'agentStateChanged', at: T0 + 5_000, agentId: 'ana', previousState: 'on-contact', state: 'away', reasonCode: 'missed' },
      ]);
      // c1 keeps its enqueue time, so it is still ahead of c2.
      expect(sut.waitingStatus('c1', T0 + 5_000)).toEqual(expect.objectContaining({ position: 1, waitedMs: 4_000 }));
      expect(sut.waitingStatus('c2', T0 + 5_000)).toEqual(expect.objectContaining({ position: 2 }));
      expect(offerOf(sut.setState({ agentId: 'ben', state: 'available', now: T0 + 6_000 }))).toEqual(
        expect.objectContaining({ interactionId: 'c1', agentId: 'ben' }),
      );
    });

    it('never offers the item to that agent again', () => {
      assign('c1', 'ana', T0 + 1_000);
      failed('c1', 'ana', T0 + 2_000);

      expect(offered(sut.setState({ agentId: 'ana', state: 'available', now: T0 + 3_000 }))).toEqual([]);
      expect(sut.snapshot().items[0]).toEqual(expect.objectContaining({ state: 'waiting', excluded: ['ana'] }));
      const offer = offerOf(sut.setState({ agentId: 'ben', state: 'available', now: T0 + 4_000 }));
      const accepted = sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ben', now: T0 + 5_000 });
      expect(ofType(accepted, 'assigned')[0].queueTimeMs).toBe(4_000);
    });

    it('keeps the agent available when missed offers do not send agents away', () => {
      sut = new RoutingEngine({ workspaceId: WORKSPACE, missedOfferReasonCode: null });
      sut.upsertQueue({ config: aQueue({ queueId: 'sales' }), now: T0 });
      sut.upsertAgent({ config: voiceAgent('ana'), now: T0 });
      sut.login({ agentId: 'ana', now: T0 });
      assign('c1', 'ana', T0);
      call('c2', T0 + 1_000);

      const events = failed('c1', 'ana', T0 + 2_000);

      expect(events.map((event) => event.type)).toEqual(['deliveryFailed', 'agentStateChanged', 'offered']);
      expect(offerOf(events)).toEqual(expect.objectContaining({ interactionId: 'c2', agentId: 'ana' }));
    });

    it('refuses an unknown interaction, another agent, an offered item and a duplicate, leaving the state unchanged', () => {
      assign('c1', 'ana', T0);
      sut.setState({ agentId: 'ben', state: 'available', now: T0 });
      const pending = offerOf(call('c2', T0 + 1_000));
      expect(pending.agentId).toBe('ben');
      const before = sut.snapshot();

      expect(routingErrorOf(() => failed('nope', 'ana', T0 + 2_000)).code).toBe('INTERACTION_NOT_FOUND');
      expect(routingErrorOf(() => failed('c1', 'ben', T0 + 2_000)).code).toBe('NOT_ASSIGNED_TO_AGENT');
      expect(routingErrorOf(() => failed('c2', 'ben', T0 + 2_000)).code).toBe('NOT_ASSIGNED_TO_AGENT');
      expect(routingErrorOf(() => sut.deliveryFailed({ tenantId: 'other', interactionId: 'c1', agentId: 'ana', reason: 'busy', now: T0 + 2_000 })).code).toBe(
        'TENANT_MISMATCH',
      );
      expect(sut.snapshot()).toEqual(before);

      failed('c1', 'ana', T0 + 3_000);
      const after = sut.snapshot();
      expect(routingErrorOf(() => failed('c1', 'ana', T0 + 4_000)).code).toBe('NOT_ASSIGNED_TO_AGENT');
      expect(sut.snapshot()).toEqual(after);
    });
  });

  describe('completion and wrap-up', () => {
    const start = (wrapUp: WrapUpMode) => {
      sut = engineWith([aQueue({ queueId: 'sales', wrapUp })], [voiceAgent('ana')]);
      const offer = offerOf(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });
      call('c2', T0 + 1_000);
      return sut.complete({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 + 60_000 });
    };
    const states = (events: ReturnType<RoutingEngine['tick']>) => ofType(events, 'agentStateChanged').map((event) => event.state);

    it('frees the slot at completion without wrap-up', () => {
      const events = start({ kind: 'none' });

      expect(events.map((event) => event.type)).toEqual(['completed', 'agentStateChanged', 'offered']);
      expect(ofType(events, 'completed')[0].wrapUpRequired).toBe(false);
      expect(states(events)).toEqual(['available']);
      expect(
        routingErrorOf(() => sut.submitWrapUp({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 + 60_000 })).code,
      ).toBe('INTERACTION_NOT_FOUND');
    });

    it('holds the slot in after-contact work until an optional wrap-up is submitted, code or not', () => {
      const events = start({ kind: 'optional' });
      expect(states(events)).toEqual(['after-contact-work']);
      expect(offered(events)).toEqual([]);

      const done = sut.submitWrapUp({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 + 70_000 });

      expect(done[0]).toEqual({
        type: 'wrapUpDone',
        at: T0 + 70_000,
        tenantId,
        interactionId: 'c1',
        queueId: 'sales',
        agentId: 'ana',
        timedOut: false,
        handleTimeMs: 70_000,
      });
      expect(states(done)).toEqual(['available']);
      expect(offerOf(done).interactionId).toBe('c2');
    });

    it('requires a code when wrap-up is mandatory', () => {
      start({ kind: 'mandatory' });

      expect(
        routingErrorOf(() => sut.submitWrapUp({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 + 61_000 })).code,
      ).toBe('WRAP_UP_CODE_REQUIRED');
      const done = sut.submitWrapUp({ tenantId, interactionId: 'c1', agentId: 'ana', code: 'sale', now: T0 + 61_000 });
      expect(ofType(done, 'wrapUpDone')[0].code).toBe('sale');
    });

    it('ends a mandatory wrap-up with timeout by itself', () => {
      start({ kind: 'mandatory-with-timeout', timeoutMs: 30_000 });
      expect(sut.nextDeadline()).toBe(T0 + 90_000);

      const events = sut.tick(T0 + 90_000);

      expect(events.map((event) => event.type)).toEqual(['wrapUpDone', 'agentStateChanged', 'offered']);
      expect(ofType(events, 'wrapUpDone')[0].timedOut).toBe(true);
    });

    it('refuses completion by an agent that does not handle the item', () => {
      sut = engineWith([aQueue({ queueId: 'sales' })], [voiceAgent('ana'), voiceAgent('ben')]);
      call('c1', T0);

      expect(routingErrorOf(() => sut.complete({ tenantId, interactionId: 'c1', agentId: 'ana', now: T0 })).code).toBe(
        'NOT_ASSIGNED_TO_AGENT',
      );
    });
  });

  describe('transfer', () => {
    const queues: QueueConfig[] = [aQueue({ queueId: 'sales' }), aQueue({ queueId: 'billing' })];
    const agents = [
      voiceAgent('ana', { queues: [{ queueId: 'sales', priority: 1, delayMs: 0 }] }),
      voiceAgent('ben', { queues: [{ queueId: 'billing', priority: 1, delayMs: 0 }] }),
      voiceAgent('cat', { queues: [{ queueId: 'sales', priority: 1, delayMs: 0 }] }),
    ];
    const handledByAna = () => {
      sut = engineWith(queues, agents);
      const offer = offerOf(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });
    };

    it('moves the item to another queue as a new contact there', () => {
      handledByAna();

      const events = sut.transfer({
        tenantId,
        interactionId: 'c1',
        agentId: 'ana',
        to: { queueId: 'billing' },
        now: T0 + 30_000,
      });

      expect(events.map((event) => event.type)).toEqual(['transferred', 'agentStateChanged', 'queued', 'offered']);
      expect(ofType(events, 'transferred')[0]).toEqual(
        expect.objectContaining({ fromAgentId: 'ana', queueId: 'sales', toQueueId: 'billing' }),
      );
      expect(ofType(events, 'queued')[0]).toEqual(expect.objectContaining({ queueId: 'billing', enqueuedAt: T0 + 30_000 }));
      expect(offerOf(events).agentId).toBe('ben');
    });

    it('sends the item to a named agent, waiting for it to become available', () => {
      handledByAna();
      sut.setState({ agentId: 'cat', state: 'away', reasonCode: 'break', now: T0 });

      const events = sut.transfer({
        tenantId,
        interactionId: 'c1',
        agentId: 'ana',
        to: { agentId: 'cat', windowMs: 10_000 },
        now: T0 + 30_000,
      });
      expect(ofType(events, 'transferred')[0].toAgentId).toBe('cat');
      expect(offered(events)).toEqual([]);

      sut.setState({ agentId: 'cat', state: 'available', now: T0 + 35_000 });
      expect(sut.snapshot().items[0]).toEqual(expect.objectContaining({ state: 'offered', agentId: 'cat' }));
    });

    it('lets a transferred item go back to the queue, never to the agent that transferred it', () => {
      handledByAna();
      sut.setState({ agentId: 'cat', state: 'away', reasonCode: 'break', now: T0 });
      sut.transfer({ tenantId, interactionId: 'c1', agentId: 'ana', to: { agentId: 'cat', windowMs: 10_000 }, now: T0 + 30_000 });

      expect(offered(sut.tick(T0 + 40_000))).toEqual([]);
      expect(offerOf(sut.setState({ agentId: 'cat', state: 'available', now: T0 + 41_000 })).agentId).toBe('cat');
    });

    it('refuses a transfer to an agent not granted the tenant', () => {
      sut = newEngine();
      sut.upsertQueue({ config: aQueue({ queueId: 'sales' }), now: T0 });
      sut.upsertAgent({ config: voiceAgent('ana'), now: T0 });
      sut.upsertAgent({ config: voiceAgent('zed', { tenantIds: ['contoso'], queues: [] }), now: T0 });
      sut.login({ agentId: 'ana', now: T0 });
      const offer = offerOf(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });

      const error = routingErrorOf(() =>
        sut.transfer({ tenantId, interactionId: 'c1', agentId: 'ana', to: { agentId: 'zed' }, now: T0 }),
      );

      expect(error.code).toBe('TENANT_NOT_GRANTED');
    });
  });

  describe('abandon', () => {
    beforeEach(() => {
      sut = engineWith([aQueue({ queueId: 'sales' })], [voiceAgent('ana')]);
    });

    it('removes a waiting item', () => {
      call('c1', T0);
      call('c2', T0 + 1_000);

      const events = sut.cancel({ tenantId, interactionId: 'c2', reason: 'caller-hung-up', now: T0 + 5_000 });

      expect(events).toEqual([
        {
          type: 'abandoned',
          at: T0 + 5_000,
          tenantId,
          interactionId: 'c2',
          queueId: 'sales',
          queueTimeMs: 4_000,
          reason: 'caller-hung-up',
        },
      ]);
      expect(sut.queueStatus('sales', T0 + 5_000).waiting).toBe(0);
    });

    it('withdraws a pending offer and frees the agent for the next item', () => {
      const offer = offerOf(call('c1', T0));
      call('c2', T0 + 1_000);

      const events = sut.cancel({ tenantId, interactionId: 'c1', now: T0 + 2_000 });

      expect(ofType(events, 'abandoned')[0]).toEqual(expect.objectContaining({ agentId: 'ana', offerId: offer.offerId }));
      expect(offerOf(events).interactionId).toBe('c2');
      expect(routingErrorOf(() => sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 + 2_000 })).code).toBe(
        'OFFER_WITHDRAWN',
      );
    });

    it('refuses to abandon an item already being handled', () => {
      const offer = offerOf(call('c1', T0));
      sut.accept({ tenantId, offerId: offer.offerId, agentId: 'ana', now: T0 });

      expect(routingErrorOf(() => sut.cancel({ tenantId, interactionId: 'c1', now: T0 })).code).toBe('INTERACTION_NOT_WAITING');
    });
  });
});
