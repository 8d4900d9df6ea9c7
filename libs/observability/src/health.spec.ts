import { checkReadiness } from './health';

describe(checkReadiness.name, () => {
  it('fails a check that does not answer in time', async () => {
    const report = await checkReadiness({ stuck: () => new Promise(() => undefined) }, 20);

    expect(report).toEqual({ ready: false, checks: { stuck: 'no answer within 20 ms' }, failing: [{ check: 'stuck', reason: 'no answer within 20 ms' }] });
  });

  it('fails a check that throws synchronously instead of rejecting', async () => {
    const report = await checkReadiness({
      broken: () => {
        throw new Error('not configured');
      },
    });

    expect(report.failing).toEqual([{ check: 'broken', reason: 'not configured' }]);
  });

  it('is ready with no checks at all', async () => {
    expect(await checkReadiness({})).toEqual({ ready: true, checks: {}, failing: [] });
  });
});
