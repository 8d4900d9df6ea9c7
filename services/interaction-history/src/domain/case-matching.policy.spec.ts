import { belongToSameCase, type CaseCandidate, chooseCase, normalizeSubject } from './case-matching.policy';

const H = 3_600_000;
const WINDOW = 72 * H;
const base: CaseCandidate = { customerId: 'c-1', startedAt: 1_736_150_400_000, queueId: 'billing' };

describe(normalizeSubject.name, () => {
  it.each([
    ['Re: Refund for order 42', { text: 'refund for order 42' }],
    ['RE: Fwd: AW: WG:  Refund   for order 42 ', { text: 'refund for order 42' }],
    ['Re[2]: SV: Re(3): refund for ORDER 42', { text: 'refund for order 42' }],
    ['Re: [#CASE-7f3a] Refund for order 42', { text: 'refund for order 42', referenceToken: 'CASE-7F3A' }],
    ['[#abc123] Re: Refund for order 42 [#zzz]', { text: 'refund for order 42', referenceToken: 'ABC123' }],
    ['回复：退款', { text: '退款' }],
    ['Reminder: invoice due', { text: 'reminder: invoice due' }],
    ['Re: ', { text: '' }],
    ['[#T-1]', { text: '', referenceToken: 'T-1' }],
  ])('%j → %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toEqual(expected);
  });
});

describe(belongToSameCase.name, () => {
  it('needs the same customer within the window', () => {
    expect(belongToSameCase(base, { ...base, startedAt: base.startedAt + WINDOW }, WINDOW)).toBe(true);
    expect(belongToSameCase(base, { ...base, startedAt: base.startedAt - WINDOW - 1 }, WINDOW)).toBe(false);
    expect(belongToSameCase(base, { ...base, customerId: 'c-2' }, WINDOW)).toBe(false);
  });

  it('puts the same subject together across queues and channels', () => {
    const email = { ...base, queueId: 'email-support', subject: 'refund for order 42' };

    expect(belongToSameCase(email, { ...base, queueId: 'sales', subject: 'refund for order 42' }, WINDOW)).toBe(true);
    expect(belongToSameCase(email, { ...base, queueId: 'sales', subject: 'new address' }, WINDOW)).toBe(false);
    expect(belongToSameCase({ ...email, subject: '' }, { ...base, queueId: 'sales', subject: '' }, WINDOW)).toBe(false);
  });

  it('falls back to the queue when the subjects differ or are missing', () => {
    expect(belongToSameCase({ ...base, subject: 'a' }, { ...base, subject: 'b' }, WINDOW)).toBe(true);
    expect(belongToSameCase(base, { ...base, queueId: undefined }, WINDOW)).toBe(false);
  });

  it('lets reference tokens decide when both carry one', () => {
    expect(belongToSameCase({ ...base, referenceToken: 'T-1', subject: 'x' }, { ...base, queueId: 'other', referenceToken: 'T-1', subject: 'y' }, WINDOW)).toBe(true);
    expect(belongToSameCase({ ...base, referenceToken: 'T-1', subject: 'x' }, { ...base, referenceToken: 'T-2', subject: 'x' }, WINDOW)).toBe(false);
    expect(belongToSameCase({ ...base, referenceToken: 'T-1', subject: 'x' }, { ...base, queueId: 'other', subject: 'x' }, WINDOW)).toBe(true);
  });
});

describe(chooseCase.name, () => {
  it('picks the nearest matching interaction, then the smallest case id', () => {
    const filed = [
      { ...base, caseId: 'k-far', startedAt: base.startedAt - 10 * H },
      { ...base, caseId: 'k-b', startedAt: base.startedAt + H },
      { ...base, caseId: 'k-a', startedAt: base.startedAt - H },
      { ...base, caseId: 'k-other-queue', queueId: 'sales', startedAt: base.startedAt },
    ];

    expect(chooseCase(base, filed, WINDOW)).toBe('k-a');
    expect(chooseCase(base, [...filed].reverse(), WINDOW)).toBe('k-a');
    expect(chooseCase({ ...base, queueId: 'none' }, filed, WINDOW)).toBeUndefined();
  });
});
