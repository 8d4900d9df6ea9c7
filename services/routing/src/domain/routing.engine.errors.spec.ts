import { RoutingErrorCode } from './routing-error';
import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, offered, routingErrorOf, T0 } from './routing.test-fixtures';

describe(RoutingEngine.name, () => {
  describe('refused commands', () => {
    let sut: RoutingEngine;
    let offerId: string;

    beforeEach(() => {
      sut = engineWith(
        [aQueue({ queueId: 'sales' }), aQueue({ queueId: 'contoso-sales', tenantId: 'contoso' })],
        [anAgent({ agentId: 'ana', capacity: { voice: 1 } }), anAgent({ agentId: 'ben', capacity: { voice: 1 } })],
      );
      sut.setState({ agentId: 'ben', state: 'away', reasonCode: 'break', now: T0 });
      [{ offerId }] = offered(
        sut.enqueue({ tenantId: 'northwind', interactionId: 'c1', channel: 'voice', queueId: 'sales', now: T0 }),
      );
      sut.enqueue({ tenantId: 'northwind', interactionId: 'c2', channel: 'voice', queueId: 'sales', now: T0 });
    });

    const now = T0 + 1_000;
    it.each<[string, (engine: RoutingEngine) => unknown, RoutingErrorCode]>([
      [
        'an invalid queue',
        (e) => e.upsertQueue({ config: aQueue({ queueId: 'x', offerTimeoutMs: 0 }), now }),
        'INVALID_QUEUE_CONFIG',
      ],
      [
        'dropping a channel with waiting items',
        (e) => e.upsertQueue({ config: aQueue({ queueId: 'sales', channels: ['chat'] }), now }),
        'INVALID_QUEUE_CONFIG',
      ],
      [
        'an invalid agent',
        (e) => e.upsertAgent({ config: anAgent({ agentId: 'x', skills: { a: 0 } }), now }),
        'INVALID_AGENT_CONFIG',
      ],
      [
        'an agent of another workspace',
        (e) => e.upsertAgent({ config: anAgent({ agentId: 'x', workspaceId: 'acme' }), now }),
        'WRONG_WORKSPACE',
      ],
      ['an unknown agent', (e) => e.login({ agentId: 'nobody', now }), 'AGENT_NOT_FOUND'],
      [
        'an unknown queue',
        (e) => e.enqueue({ tenantId: 'northwind', interactionId: 'x', channel: 'voice', queueId: 'nowhere', now }),
        'QUEUE_NOT_FOUND',
      ],
      [
        'a queue of another tenant',
        (e) => e.enqueue({ tenantId: 'northwind', interactionId: 'x', channel: 'voice', queueId: 'contoso-sales', now }),
        'TENANT_MISMATCH',
      ],
      [
        'a channel the queue does not serve',
        (e) => e.enqueue({ tenantId: 'northwind', interactionId: 'x', channel: 'sms', queueId: 'sales', now }),
        'CHANNEL_NOT_SERVED',
      ],
      [
        'an interaction routed twice',
        (e) => e.enqueue({ tenantId: 'northwind', interactionId: 'c2', channel: 'voice', queueId: 'sales', now }),
        'INTERACTION_EXISTS',
      ],
      [
        'a malformed enqueue',
        (e) => e.enqueue({ tenantId: 'northwind', interactionId: 'x', channel: 'voice', queueId: 'sales', priority: 0.5, now }),
        'INVALID_COMMAND',
      ],
      ['a time that is not a number', (e) => e.tick(Number.NaN), 'INVALID_COMMAND'],
      ['an unknown offer', (e) => e.accept({ tenantId: 'northwind', offerId: 'nope', agentId: 'ana', now }), 'OFFER_NOT_FOUND'],
      ['an offer of another tenant', (e) => e.accept({ tenantId: 'contoso', offerId, agentId: 'ana', now }), 'TENANT_MISMATCH'],
      [
        'an offer made to another agent',
        (e) => e.reject({ tenantId: 'northwind', offerId, agentId: 'ben', now }),
        'OFFER_NOT_FOR_AGENT',
      ],
      [
        'completing a waiting item',
        (e) => e.complete({ tenantId: 'northwind', interactionId: 'c2', agentId: 'ana', now }),
        'NOT_ASSIGNED_TO_AGENT',
      ],
      [
        'wrapping up an unknown item',
        (e) => e.submitWrapUp({ tenantId: 'northwind', interactionId: 'x', agentId: 'ana', now }),
        'INTERACTION_NOT_FOUND',
      ],
      ['cancelling for another tenant', (e) => e.cancel({ tenantId: 'contoso', interactionId: 'c2', now }), 'TENANT_MISMATCH'],
      ['a second login', (e) => e.login({ agentId: 'ana', now }), 'AGENT_ALREADY_LOGGED_IN'],
    ])('refuses %s with a precise code and changes nothing', (_, command, code) => {
      const before = sut.snapshot();

      expect(routingErrorOf(() => command(sut)).code).toBe(code);
      expect(sut.snapshot()).toEqual(before);
    });

    it('refuses to drop a channel while an item of it is offered, since the item may come back', () => {
      sut.upsertQueue({ config: aQueue({ queueId: 'support', channels: ['chat', 'email'] }), now });
      sut.upsertAgent({
        config: anAgent({ agentId: 'cat', capacity: { chat: 1 }, queues: [{ queueId: 'support', priority: 1, delayMs: 0 }] }),
        now,
      });
      sut.login({ agentId: 'cat', now });
      sut.enqueue({ tenantId: 'northwind', interactionId: 'c3', channel: 'chat', queueId: 'support', now });
      const before = sut.snapshot();

      const error = routingErrorOf(() => sut.upsertQueue({ config: aQueue({ queueId: 'support', channels: ['email'] }), now }));

      expect(error.code).toBe('INVALID_QUEUE_CONFIG');
      expect(sut.snapshot()).toEqual(before);
      expect(offered(sut.tick(now + 15_000))).toEqual([]);
    });

    it('refuses a wrap-up when none is pending', () => {
      sut.accept({ tenantId: 'northwind', offerId, agentId: 'ana', now });

      expect(
        routingErrorOf(() => sut.submitWrapUp({ tenantId: 'northwind', interactionId: 'c1', agentId: 'ana', now })).code,
      ).toBe('NO_WRAP_UP_PENDING');
    });
  });
});
