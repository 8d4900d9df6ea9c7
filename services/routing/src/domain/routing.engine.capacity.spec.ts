import { AgentConfig } from './agent.config';
import { Channel } from './channel';
import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, offered, T0 } from './routing.test-fixtures';

describe(RoutingEngine.name, () => {
  describe('capacity', () => {
    let sut: RoutingEngine;
    let next = 0;
    const arrive = (channel: Channel) =>
      offered(
        sut.enqueue({ tenantId: 'northwind', interactionId: `${channel}-${++next}`, channel, queueId: 'sales', now: T0 + next }),
      );
    const start = (agent: Partial<AgentConfig>) => {
      next = 0;
      sut = engineWith([aQueue({ queueId: 'sales' })], [anAgent({ agentId: 'ana', ...agent })]);
    };

    it('offers up to the channel capacity, counting pending offers', () => {
      start({ capacity: { chat: 3 } });

      const offers = [arrive('chat'), arrive('chat'), arrive('chat'), arrive('chat')];

      expect(offers.map((events) => events.length)).toEqual([1, 1, 1, 0]);
    });

    it('frees the slot when the offer is rejected', () => {
      start({ capacity: { chat: 1 } });
      const [offer] = arrive('chat');
      arrive('chat');

      const events = sut.reject({ tenantId: 'northwind', offerId: offer.offerId, agentId: 'ana', now: T0 + 10 });

      expect(offered(events).map((next) => next.interactionId)).toEqual(['chat-2']);
    });

    it('blocks every other channel during a voice contact when voice is exclusive', () => {
      start({ capacity: { voice: 1, chat: 3 }, crossChannel: 'voice-exclusive' });
      arrive('voice');

      expect(arrive('chat')).toEqual([]);
    });

    it('blocks voice while other contacts are open when voice is exclusive', () => {
      start({ capacity: { voice: 1, chat: 3 }, crossChannel: 'voice-exclusive' });
      arrive('chat');

      expect(arrive('voice')).toEqual([]);
      expect(arrive('chat')).toHaveLength(1);
    });

    it('mixes voice and other channels when concurrent', () => {
      start({ capacity: { voice: 1, chat: 3 }, crossChannel: 'concurrent' });

      expect([arrive('voice'), arrive('chat'), arrive('chat')].map((events) => events.length)).toEqual([1, 1, 1]);
    });

    it('caps the total across channels', () => {
      start({ capacity: { chat: 3, email: 5 }, maxTotal: 4, crossChannel: 'concurrent' });

      const offers = [arrive('chat'), arrive('chat'), arrive('email'), arrive('email'), arrive('email'), arrive('chat')];

      expect(offers.map((events) => events.length)).toEqual([1, 1, 1, 1, 0, 0]);
    });

    it('takes no channel it has no capacity for', () => {
      start({ capacity: { chat: 3 } });

      expect(arrive('email')).toEqual([]);
    });
  });
});
