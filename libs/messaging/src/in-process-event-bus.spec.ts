import { describeEventBusContract } from './event-bus.contract';
import { InProcessEventBus } from './in-process-event-bus';

const quiet = { warn: () => undefined, error: () => undefined };

describeEventBusContract(InProcessEventBus.name, () => new InProcessEventBus({ logger: quiet }));

describe(InProcessEventBus.name, () => {
  it('starts a group that asks for new events only at the end of the log', async () => {
    const sut = new InProcessEventBus({ logger: quiet });
    const base = { type: 't', topic: 'late', key: 'ws', time: new Date(), workspaceId: 'ws', tenantId: 't1', payload: new Uint8Array() };
    await sut.publish([{ ...base, id: 'old' }]);
    const seen: string[] = [];
    await sut.subscribe({ groupId: 'g', topics: ['late'], fromBeginning: false, handler: async (e) => void seen.push(e.id) });

    await sut.publish([{ ...base, id: 'new' }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sut.close();

    expect(seen).toEqual(['new']);
  });

  it('hands a closed member’s partitions to the remaining member without losing events', async () => {
    const sut = new InProcessEventBus({ logger: quiet });
    const seen: string[][] = [[], []];
    const first = await sut.subscribe({ groupId: 'g', topics: ['t'], handler: async (e) => void seen[0].push(e.id) });
    await sut.subscribe({ groupId: 'g', topics: ['t'], handler: async (e) => void seen[1].push(e.id) });
    await first.close();
    const ids = Array.from({ length: 30 }, (_, n) => `e${n}`);

    await sut.publish(ids.map((id, n) => ({ id, type: 't', topic: 't', key: `ws-${n}`, time: new Date(), workspaceId: 'ws', tenantId: 't1', payload: new Uint8Array() })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sut.close();

    expect(seen[0]).toEqual([]);
    expect([...seen[1]].sort()).toEqual([...ids].sort());
  });
});
