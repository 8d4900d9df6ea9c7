import { batchMeans } from './batch-means';
import { ContactCenterSimulator } from './contact-center.simulator';
import { mmcSimulator } from './mmc.scenario';

describe(ContactCenterSimulator.name, () => {
  // Call Centre Helper's worked example (REFERENCE.md): 100 calls per 30 minutes, AHT 180 s,
  // so 10 Erlangs. Erlang C gives, for 14 agents, P(wait) 0.17413 and SL(20 s) 0.88835; for
  // 13 agents, P(wait) 0.28527 and SL(20 s) 0.79559.
  const traffic = { meanInterarrivalMs: 18_000, meanHandleTimeMs: 180_000 };
  const warmUp = 2_000;
  const measured = 120_000;
  const batches = 20;

  it.each([
    { agents: 14, waitProbability: 0.17413, serviceLevel: 0.88835 },
    { agents: 13, waitProbability: 0.28527, serviceLevel: 0.79559 },
  ])(
    'reproduces Erlang C with $agents agents inside the 95% batch-means intervals',
    ({ agents, waitProbability, serviceLevel }) => {
      const calls = mmcSimulator({ seed: 20_250_106, agents, ...traffic })
        .run(warmUp + measured)
        .slice(warmUp);
      const waits = calls.map((call) => call.waitMs!);

      const waited = batchMeans(
        waits.map((wait) => (wait > 0 ? 1 : 0)),
        batches,
      );
      const withinTwentySeconds = batchMeans(
        waits.map((wait) => (wait <= 20_000 ? 1 : 0)),
        batches,
      );

      expect(waitProbability).toBeGreaterThanOrEqual(waited.low);
      expect(waitProbability).toBeLessThanOrEqual(waited.high);
      expect(serviceLevel).toBeGreaterThanOrEqual(withinTwentySeconds.low);
      expect(serviceLevel).toBeLessThanOrEqual(withinTwentySeconds.high);
      // Narrow enough to tell the two staffing levels apart.
      expect(withinTwentySeconds.halfWidth).toBeLessThan(0.03);
    },
  );

  it('replays the same run from the same seed', () => {
    const run = (seed: number) => mmcSimulator({ seed, agents: 14, ...traffic }).run(500);

    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});
