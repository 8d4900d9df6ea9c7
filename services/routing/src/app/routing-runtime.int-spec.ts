import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConsumedEvent } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { createTestDatabase, migrateAndConnect, newWorkspaceId, type TestDatabase } from '@contactcenter/testing';
import { aQueue, T0 } from '../domain/routing.test-fixtures';
import { ROUTING_MIGRATIONS } from '../persistence/routing.migrations';
import { RoutingStateRepository } from '../persistence/routing-state.repository';
import type { RoutingCommand } from './routing-command';
import { DuplicateEventError, RoutingRuntime } from './routing-runtime';

const queueCommand = (queueId: string, now: number): RoutingCommand => ({ kind: 'upsertQueue', now, config: aQueue({ queueId }) });
const consumedEvent = (workspaceId: string, offset: number): ConsumedEvent => ({
  id: randomUUID(),
  type: 'test.Event',
  topic: 'test.topic',
  partition: 0,
  offset: String(offset),
  key: workspaceId,
  time: new Date(T0),
  workspaceId,
  tenantId: 'northwind',
  payload: new Uint8Array(),
});

// Real Postgres as cc_app (RLS forced): the runtime's journal, snapshots and command inbox.
describe(RoutingRuntime.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const state = new RoutingStateRepository();
  const stored = (workspaceId: string) => withTenantTransaction(dataSource, (manager) => state.load(manager, workspaceId), { workspaceId });

  beforeAll(async () => {
    db = await createTestDatabase('routing_runtime');
    dataSource = await migrateAndConnect(db, ROUTING_MIGRATIONS);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('stores a snapshot after the commit it follows, and a rebuild from it equals the engine', async () => {
    const workspaceId = newWorkspaceId();
    const sut = new RoutingRuntime({ dataSource, snapshotEvery: 2, clock: () => T0 });
    for (const queueId of ['a', 'b', 'c', 'd', 'e']) await sut.execute(workspaceId, (_manager, now) => [queueCommand(queueId, now)]);
    const before = await sut.read(workspaceId, (engine) => engine.snapshot());
    // close() waits for snapshot writes still in flight.
    await sut.close();

    const saved = await stored(workspaceId);
    expect(saved.snapshot?.journalSeq).toBe(4);
    expect(saved.journal.map((entry) => entry.seq)).toEqual([5]);
    const rebuilt = new RoutingRuntime({ dataSource });
    expect(await rebuilt.read(workspaceId, (engine) => engine.snapshot())).toEqual(before);
    await rebuilt.close();
  });

  it('never replaces a stored snapshot with an older one', async () => {
    const workspaceId = newWorkspaceId();
    await withTenantTransaction(
      dataSource,
      async (manager) => {
        await state.saveSnapshot(manager, workspaceId, 10, JSON.stringify({ newer: true }), {});
        await state.saveSnapshot(manager, workspaceId, 6, JSON.stringify({ newer: false }), {});
      },
      { workspaceId },
    );

    const saved = await stored(workspaceId);
    expect(saved.snapshot).toMatchObject({ journalSeq: 10, state: { newer: true } });
  });

  it('refuses a journal that does not continue its snapshot instead of rebuilding a wrong state', async () => {
    const workspaceId = newWorkspaceId();
    await withTenantTransaction(
      dataSource,
      async (manager) => {
        await state.saveSnapshot(manager, workspaceId, 3, JSON.stringify({}), {});
        await state.append(manager, workspaceId, { seq: 5, commands: [] }, undefined);
      },
      { workspaceId },
    );

    await expect(stored(workspaceId)).rejects.toThrow(`the journal of workspace ${workspaceId} continues at 5, not at 4`);
  });

  it('commits consumed events in one statement, and refuses a batch with an event seen before, changing nothing', async () => {
    const workspaceId = newWorkspaceId();
    const sut = new RoutingRuntime({ dataSource, clock: () => T0 });
    const [seen, fresh] = [consumedEvent(workspaceId, 1), consumedEvent(workspaceId, 2)];
    const queueIds = async () => sut.read(workspaceId, (engine) => engine.snapshot().queues.map((queue) => queue.config.queueId));

    await sut.execute(workspaceId, (_manager, now) => [queueCommand('a', now)], { inboxAll: { groupId: 'g', events: [seen] } });
    await expect(
      sut.execute(workspaceId, (_manager, now) => [queueCommand('b', now)], { inboxAll: { groupId: 'g', events: [fresh, seen] } }),
    ).rejects.toBeInstanceOf(DuplicateEventError);

    expect((await stored(workspaceId)).journal.map((entry) => entry.seq)).toEqual([1]);
    expect(await queueIds()).toEqual(['a']);
    await sut.close();
  });

  it('plans consumed events again on the current state when another instance appended meanwhile', async () => {
    const workspaceId = newWorkspaceId();
    const stale = new RoutingRuntime({ dataSource, clock: () => T0 });
    const other = new RoutingRuntime({ dataSource, clock: () => T0 });
    await stale.execute(workspaceId, (_manager, now) => [queueCommand('a', now)]);
    await other.execute(workspaceId, (_manager, now) => [queueCommand('b', now)]);

    await stale.execute(workspaceId, (_manager, now) => [queueCommand('c', now)], { inboxAll: { groupId: 'g', events: [consumedEvent(workspaceId, 1)] } });

    expect((await stored(workspaceId)).journal.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(await stale.read(workspaceId, (engine) => engine.snapshot().queues.map((queue) => queue.config.queueId))).toEqual(['a', 'b', 'c']);
    await stale.close();
    await other.close();
  });

  it('answers a repeated command id with the stored answer, applying the command once', async () => {
    const workspaceId = newWorkspaceId();
    const sut = new RoutingRuntime({ dataSource, clock: () => T0 });
    const once = { commandId: 'c-1', fingerprint: 'put queue a' };
    let planned = 0;
    const put = () =>
      sut.executeAnswer(
        workspaceId,
        (_manager, now) => {
          planned++;
          return [queueCommand('a', now)];
        },
        ({ events, now }) => ({ events: events.length, now }),
        { once },
      );

    const first = await put();
    const again = await put();

    expect(again).toEqual(first);
    expect(planned).toBe(1);
    expect((await stored(workspaceId)).journal.map((entry) => entry.seq)).toEqual([1]);
    await expect(
      sut.executeAnswer(workspaceId, (_manager, now) => [queueCommand('b', now)], () => null, { once: { commandId: 'c-1', fingerprint: 'put queue b' } }),
    ).rejects.toMatchObject({ code: 'INVALID_COMMAND' });
    await sut.close();
  });
});
