import { estimateWaitMs, QueueStats } from './queue-stats';

describe(QueueStats.name, () => {
  it('averages the most recent handle times per queue', () => {
    const sut = new QueueStats(3);
    [100, 200, 300, 400].forEach((ms) => sut.recordHandleTime('sales', ms));
    sut.recordHandleTime('support', 50);

    expect(sut.averageHandleTimeMs('sales')).toBe(300);
    expect(sut.averageHandleTimeMs('support')).toBe(50);
    expect(sut.averageHandleTimeMs('billing')).toBeUndefined();
  });

  it('round-trips through JSON, oldest first', () => {
    const sut = new QueueStats(3);
    [100, 200, 300, 400].forEach((ms) => sut.recordHandleTime('sales', ms));

    const restored = QueueStats.fromJSON(sut.toJSON(), 3);
    restored.recordHandleTime('sales', 500);

    expect(sut.toJSON()).toEqual({ sales: [200, 300, 400] });
    expect(restored.toJSON()).toEqual({ sales: [300, 400, 500] });
  });
});

describe(estimateWaitMs.name, () => {
  it('is position × AHT / staffed slots', () => {
    expect(estimateWaitMs(1, 180_000, 3)).toBe(60_000);
    expect(estimateWaitMs(7, 180_000, 14)).toBe(90_000);
  });

  it('has no estimate without staffed slots', () => {
    expect(estimateWaitMs(1, 180_000, 0)).toBeNull();
  });
});
