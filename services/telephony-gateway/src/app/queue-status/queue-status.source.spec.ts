import { QueueBoard, type QueueStatus } from '../../domain/queue/queue-board';
import type { QueueScope, QueueSnapshots } from './queue-snapshots.port';
import { QueueStatusSource } from './queue-status.source';

const scope = { tenantId: 't1', workspaceId: 'w1' };

class FakeSnapshots implements QueueSnapshots {
  readonly asked: string[] = [];
  answer: ReadonlyMap<string, QueueStatus> | Error = new Map();

  async waiting(_scope: QueueScope, queueId: string): Promise<ReadonlyMap<string, QueueStatus>> {
    this.asked.push(queueId);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }

  close(): void {}
}

describe(QueueStatusSource.name, () => {
  let now: number;
  let board: QueueBoard;
  let snapshots: FakeSnapshots;
  const failures: object[] = [];

  beforeEach(() => {
    now = 1_000_000;
    board = new QueueBoard();
    snapshots = new FakeSnapshots();
    failures.length = 0;
    board.queued('w1', 'sales', 'first');
    board.queued('w1', 'sales', 'second');
  });

  const source = (withSnapshots = true) =>
    new QueueStatusSource({ board, snapshots: withSnapshots ? snapshots : undefined, cycleMs: 30_000, clock: () => now, onSnapshotFailed: (_e, context) => failures.push(context) });

  it('tells routing’s position and wait, asking once per queue per cycle for every caller waiting in it', async () => {
    snapshots.answer = new Map([
      ['vip', { position: 1, expectedWaitMs: 60_000 }],
      ['first', { position: 2, expectedWaitMs: 120_000 }],
      ['second', { position: 3 }],
    ]);
    const sut = source();

    const together = await Promise.all([sut.status(scope, 'sales', 'first'), sut.status(scope, 'sales', 'second')]);
    now += 29_000;
    const sameCycle = await sut.status(scope, 'sales', 'first');
    await sut.status(scope, 'support', 'elsewhere');
    now += 1_000;
    snapshots.answer = new Map([['first', { position: 1 }]]);
    const nextCycle = await sut.status(scope, 'sales', 'first');

    expect(together).toEqual([{ position: 2, expectedWaitMs: 120_000 }, { position: 3 }]);
    expect(sameCycle).toEqual({ position: 2, expectedWaitMs: 120_000 });
    expect(nextCycle).toEqual({ position: 1 });
    expect(snapshots.asked).toEqual(['sales', 'support', 'sales']);
  });

  it('falls back to the queue board when routing does not answer, for that cycle, and asks again in the next', async () => {
    snapshots.answer = new Error('UNAVAILABLE');
    const sut = source();

    const [first, second] = await Promise.all([sut.status(scope, 'sales', 'first'), sut.status(scope, 'sales', 'second')]);
    now += 30_000;
    snapshots.answer = new Map([['second', { position: 1 }]]);
    const recovered = await sut.status(scope, 'sales', 'second');

    expect([first, second, recovered]).toEqual([{ position: 1 }, { position: 2 }, { position: 1 }]);
    expect(failures).toEqual([{ ...scope, queueId: 'sales' }]);
    expect(snapshots.asked).toEqual(['sales', 'sales']);
  });

  it('uses the queue board for a caller routing does not list, and without snapshots at all', async () => {
    snapshots.answer = new Map([['someone-else', { position: 1 }]]);

    expect(await source().status(scope, 'sales', 'second')).toEqual({ position: 2 });
    expect(await source(false).status(scope, 'sales', 'second')).toEqual({ position: 2 });
    expect(await source().status(scope, 'sales', 'unknown')).toBeUndefined();
  });
});
