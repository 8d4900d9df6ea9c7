import { ivrFlowProblems, SAMPLE_IVR_FLOW } from '../../domain/ivr';
import { SAMPLE_PROMPTS } from './prompt-catalog';
import { queueAnnouncementPrompts } from './queue-announcement';

describe(queueAnnouncementPrompts.name, () => {
  it.each([
    [{ position: 3 }, ['queue-position-intro', 'number-3', 'queue-position-outro']],
    [{ position: 1, expectedWaitMs: 20_000 }, ['queue-position-intro', 'number-1', 'queue-position-outro', 'wait-intro', 'number-1', 'minute']],
    [{ position: 12, expectedWaitMs: 250_000 }, ['queue-waiting', 'wait-intro', 'number-4', 'minutes']],
    [{ expectedWaitMs: 30 * 60_000 }, ['queue-waiting']],
    [{ position: 0, expectedWaitMs: Number.NaN }, ['queue-waiting']],
  ])('%o → %o', (status, prompts) => {
    expect(queueAnnouncementPrompts(status)).toEqual(prompts);
  });

  it('only names prompts of the catalogue', () => {
    const catalogue = new Set(SAMPLE_PROMPTS.map((p) => p.id));
    for (let position = 0; position <= 12; position++) {
      for (const minutes of [0, 1, 5, 9, 10]) {
        for (const id of queueAnnouncementPrompts({ position, expectedWaitMs: minutes * 60_000 })) expect(catalogue).toContain(id);
      }
    }
  });
});

describe('SAMPLE_PROMPTS', () => {
  it('has every prompt the sample IVR flow plays', () => {
    expect(ivrFlowProblems(SAMPLE_IVR_FLOW, { prompts: SAMPLE_PROMPTS.map((p) => p.id) })).toEqual([]);
  });
});
