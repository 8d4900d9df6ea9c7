import { RtpReceiveStats } from './rtp-receive-stats';

describe(RtpReceiveStats.name, () => {
  /** Feeds packets as [sequence, arrival ms]; timestamps follow the sequence at 160 per packet. */
  function feed(packets: [number, number][], options = {}) {
    const sut = new RtpReceiveStats(options);
    for (const [seq, at] of packets) sut.record(seq & 0xffff, (seq * 160) >>> 0, at);
    return sut.snapshot();
  }

  it('counts a clean paced stream with zero loss and zero jitter', () => {
    const stats = feed(Array.from({ length: 50 }, (_, i) => [1000 + i, i * 20] as [number, number]));

    expect(stats).toEqual({ received: 50, expected: 50, lost: 0, duplicates: 0, outOfOrder: 0, late: 0, jitterMs: 0 });
  });

  it('counts loss across a sequence wrap', () => {
    const sequence = [65533, 65534, 65535, 0, 2, 3];
    const stats = feed(sequence.map((seq, i) => [seq, i * 20]));

    expect(stats).toMatchObject({ received: 6, expected: 7, lost: 1 });
  });

  it('counts duplicates and reordered packets apart from loss', () => {
    const stats = feed([
      [10, 0],
      [12, 40],
      [11, 41],
      [12, 42],
      [13, 60],
    ]);

    expect(stats).toMatchObject({ received: 4, expected: 4, lost: 0, duplicates: 1, outOfOrder: 1 });
  });

  it('estimates jitter from alternating arrival offsets (RFC 3550 A.8)', () => {
    // Every packet is 5 ms early or late in turn: |D| = 10 ms, so J converges to 10 ms.
    const stats = feed(Array.from({ length: 400 }, (_, i) => [i, i * 20 + (i % 2 ? 5 : -5)] as [number, number]));

    expect(stats.jitterMs).toBeCloseTo(10, 1);
  });

  it('counts packets later than the threshold behind the fastest one', () => {
    const stats = feed(
      [
        [0, 0],
        [1, 20],
        [2, 100],
        [3, 121],
        [4, 80],
      ],
      { lateThresholdMs: 50 },
    );

    expect(stats.late).toBe(2);
  });

  it('skips timing for events whose timestamp stands still, but still counts them', () => {
    const sut = new RtpReceiveStats();
    sut.record(1, 160, 0);
    sut.record(2, 320, 20, false);
    sut.record(3, 320, 40, false);
    sut.record(4, 480, 40);

    expect(sut.snapshot()).toMatchObject({ received: 4, lost: 0, late: 0 });
  });
});
