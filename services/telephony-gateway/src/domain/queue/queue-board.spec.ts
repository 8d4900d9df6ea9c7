import { QueueBoard } from './queue-board';

describe(QueueBoard.name, () => {
  it('numbers the waiting contacts of one queue in arrival order, apart from other queues and workspaces', () => {
    const sut = new QueueBoard();
    sut.queued('w1', 'sales', 'a');
    sut.queued('w1', 'support', 'x');
    sut.queued('w2', 'sales', 'y');
    sut.queued('w1', 'sales', 'b');
    sut.queued('w1', 'sales', 'c');

    expect(['a', 'b', 'c', 'x', 'y'].map((id) => sut.status(id, 0)?.position)).toEqual([1, 2, 3, 1, 1]);
    expect(sut.status('nobody', 0)).toBeUndefined();
  });

  it('moves everyone up when a contact ahead is assigned or leaves', () => {
    const sut = new QueueBoard();
    for (const id of ['a', 'b', 'c', 'd']) sut.queued('w', 'q', id);
    sut.assignedAt('a', 1_000);
    sut.left('c');

    expect([sut.status('b', 0)?.position, sut.status('d', 0)?.position, sut.status('a', 0)]).toEqual([1, 2, undefined]);
  });

  it('keeps the place of a contact whose delivery failed, and sends a transferred one to the back', () => {
    const sut = new QueueBoard();
    for (const id of ['a', 'b', 'c']) sut.queued('w', 'q', id);
    sut.assignedAt('a', 1_000);
    sut.deliveryFailed('a');
    sut.queued('w', 'q', 'a');

    expect(sut.status('a', 0)?.position).toBe(1);
    sut.assignedAt('b', 2_000);
    sut.queued('w', 'q', 'b');
    expect([sut.status('a', 0)?.position, sut.status('c', 0)?.position, sut.status('b', 0)?.position]).toEqual([1, 2, 3]);
  });

  it('estimates the wait from how fast the queue was served lately, and not from stale service', () => {
    const sut = new QueueBoard({ servedWindowMs: 600_000 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) sut.queued('w', 'q', id);
    const once = new QueueBoard();
    once.queued('w', 'q', 'a');
    once.queued('w', 'q', 'b');
    once.assignedAt('a', 0);
    sut.assignedAt('a', 0);
    sut.assignedAt('b', 60_000);
    sut.assignedAt('c', 120_000);

    // One assignment a minute: second in line waits about two minutes.
    expect(sut.status('e', 130_000)).toEqual({ position: 2, expectedWaitMs: 120_000 });
    expect(sut.status('e', 800_000)).toEqual({ position: 2 });
    expect(once.status('b', 1_000)).toEqual({ position: 1 });
  });
});
