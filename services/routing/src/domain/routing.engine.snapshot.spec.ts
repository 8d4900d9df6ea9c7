import { RoutingEngine } from './routing.engine';
import { aQueue, anAgent, engineWith, offered, T0 } from './routing.test-fixtures';

describe(RoutingEngine.name, () => {
  describe('snapshot and restore', () => {
    const busyEngine = (): RoutingEngine => {
      const engine = engineWith(
        [
          aQueue({ queueId: 'backup', strategy: 'round-robin' }),
          aQueue({
            queueId: 'sales',
            steps: [{ conditions: [{ skill: 'spanish', minLevel: 3 }], expiresAfterMs: 30_000 }],
            overflow: { afterMs: 90_000, queueId: 'backup' },
            wrapUp: { kind: 'mandatory-with-timeout', timeoutMs: 20_000 },
          }),
        ],
        [
          anAgent({ agentId: 'ana', capacity: { voice: 1, chat: 2 }, skills: { spanish: 4 } }),
          anAgent({ agentId: 'ben', capacity: { chat: 2 }, queues: [{ queueId: 'backup', priority: 1, delayMs: 5_000 }] }),
        ],
      );
      const [first] = offered(
        engine.enqueue({ tenantId: 'northwind', interactionId: 'c1', channel: 'voice', queueId: 'sales', now: T0 }),
      );
      engine.accept({ tenantId: 'northwind', offerId: first.offerId, agentId: 'ana', now: T0 + 1_000 });
      engine.complete({ tenantId: 'northwind', interactionId: 'c1', agentId: 'ana', now: T0 + 60_000 });
      for (const id of ['m1', 'm2', 'm3']) {
        engine.enqueue({ tenantId: 'northwind', interactionId: id, channel: 'chat', queueId: 'sales', now: T0 + 61_000 });
      }
      engine.setState({ agentId: 'ben', state: 'away', reasonCode: 'coaching', now: T0 + 62_000 });
      return engine;
    };

    it('is plain JSON', () => {
      const snapshot = busyEngine().snapshot();

      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    });

    it('serialises the same snapshot as text', () => {
      const engine = busyEngine();

      expect(JSON.parse(engine.snapshotJson())).toEqual(engine.snapshot());
    });

    it('restores an engine that continues exactly like the original', () => {
      const original = busyEngine();
      const sut = RoutingEngine.restore(original.snapshot());

      expect(sut.snapshot()).toEqual(original.snapshot());
      expect(sut.nextDeadline()).toBe(original.nextDeadline());
      const script = (engine: RoutingEngine) => [
        engine.tick(T0 + 100_000),
        engine.setState({ agentId: 'ben', state: 'available', now: T0 + 160_000 }),
        engine.enqueue({ tenantId: 'northwind', interactionId: 'm4', channel: 'chat', queueId: 'backup', now: T0 + 170_000 }),
        engine.tick(T0 + 400_000),
      ];
      expect(script(sut)).toEqual(script(original));
      expect(sut.queueStatus('sales', T0 + 400_000)).toEqual(original.queueStatus('sales', T0 + 400_000));
    });

    it('keeps the snapshot unaffected by later commands', () => {
      const engine = busyEngine();
      const snapshot = engine.snapshot();
      const copy = JSON.stringify(snapshot);

      engine.tick(T0 + 500_000);

      expect(JSON.stringify(snapshot)).toBe(copy);
    });
  });

  describe('agent state', () => {
    it('reports presence and derived states as they change', () => {
      const sut = engineWith([aQueue({ queueId: 'sales', wrapUp: { kind: 'optional' } })], []);
      sut.upsertAgent({ config: anAgent({ agentId: 'ana' }), now: T0 });
      const states: string[] = [];
      const record = (events: ReturnType<RoutingEngine['tick']>) =>
        events.forEach(
          (event) =>
            event.type === 'agentStateChanged' &&
            states.push(`${event.previousState}→${event.state}${event.reasonCode ? `(${event.reasonCode})` : ''}`),
        );

      record(sut.login({ agentId: 'ana', now: T0 }));
      record(sut.setState({ agentId: 'ana', state: 'away', reasonCode: 'lunch', now: T0 + 1 }));
      record(sut.setState({ agentId: 'ana', state: 'away', reasonCode: 'meeting', now: T0 + 2 }));
      record(sut.setState({ agentId: 'ana', state: 'available', now: T0 + 3 }));
      const [offer] = offered(
        sut.enqueue({ tenantId: 'northwind', interactionId: 'c1', channel: 'voice', queueId: 'sales', now: T0 + 4 }),
      );
      record(sut.accept({ tenantId: 'northwind', offerId: offer.offerId, agentId: 'ana', now: T0 + 5 }));
      record(sut.complete({ tenantId: 'northwind', interactionId: 'c1', agentId: 'ana', now: T0 + 6 }));
      record(sut.submitWrapUp({ tenantId: 'northwind', interactionId: 'c1', agentId: 'ana', now: T0 + 7 }));
      record(sut.setState({ agentId: 'ana', state: 'offline', now: T0 + 8 }));

      expect(states).toEqual([
        'offline→available',
        'available→away(lunch)',
        'away→away(meeting)',
        'away→available',
        'available→on-contact',
        'on-contact→after-contact-work',
        'after-contact-work→available',
        'available→offline',
      ]);
    });
  });
});
