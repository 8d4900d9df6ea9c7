import fc from 'fast-check';
import type { ContactFacts } from './contact-facts';
import { abandoned, answered, DAY, T0 } from './contact-facts.test-fixtures';
import { classifyFirstContactResolution } from './first-contact-resolution.classifier';
import { kpiSettings } from './kpi-settings';

describe(classifyFirstContactResolution.name, () => {
  const settings = kpiSettings();
  const first = answered('first', { at: T0, customerId: 'c1', waitS: 10, talkS: 300, acwS: 60 });
  const end = first.handledEnd as number;
  const outcomes = (contacts: ContactFacts[], asOfMs: number) =>
    Object.fromEntries(classifyFirstContactResolution(contacts, asOfMs, settings).map(({ contact, outcome }) => [contact.contactId, outcome]));

  it('keeps a contact pending until its window closes, then resolves it', () => {
    expect(outcomes([first], end + 6 * DAY)).toEqual({ first: 'pending' });
    expect(outcomes([first], end + 7 * DAY)).toEqual({ first: 'resolved' });
  });

  it('settles a return inside the window at once', () => {
    const back = abandoned('back', { at: end + DAY, customerId: 'c1', waitS: 30 });

    expect(outcomes([first, back], end + DAY)).toEqual({ first: 'repeated' });
  });

  it('matches by case when both visits have one, otherwise by queue', () => {
    const withCase = answered('case', { at: T0, customerId: 'c1', caseId: 'K1', waitS: 1, talkS: 60 });
    const caseEnd = withCase.handledEnd as number;
    const otherCaseSameQueue = answered('other-case', { at: caseEnd + DAY, customerId: 'c1', caseId: 'K2', waitS: 1, talkS: 60 });
    const noCaseSameQueue = answered('no-case', { at: caseEnd + 2 * DAY, customerId: 'c1', waitS: 1, talkS: 60 });

    expect(outcomes([withCase, otherCaseSameQueue], caseEnd + 30 * DAY).case).toBe('resolved');
    expect(outcomes([withCase, noCaseSameQueue], caseEnd + 30 * DAY).case).toBe('repeated');
  });

  it('does not count a transfer as resolution or its next leg as a return', () => {
    const leg1 = answered('call', { at: T0, customerId: 'c1', waitS: 1, talkS: 60, transferred: true });
    const leg2 = answered('call', { at: (leg1.handledEnd as number) + 1, customerId: 'c1', waitS: 1, talkS: 60 });

    const result = classifyFirstContactResolution([leg1, leg2], T0 + 30 * DAY, settings);

    expect(result).toEqual([{ contact: leg2, outcome: 'resolved' }]);
  });

  it('never matches another tenant or customer', () => {
    const otherTenant = { ...answered('x', { at: end + DAY, customerId: 'c1', waitS: 1, talkS: 60 }), tenantId: 'contoso' };
    const otherCustomer = answered('y', { at: end + DAY, customerId: 'c2', waitS: 1, talkS: 60 });

    expect(outcomes([first, otherTenant, otherCustomer], end + 30 * DAY).first).toBe('resolved');
  });

  it('does not depend on the order of the contacts', () => {
    const visit = fc
      .record({
        customer: fc.integer({ min: 1, max: 3 }),
        queueId: fc.constantFrom('billing', 'sales'),
        caseId: fc.option(fc.constantFrom('K1', 'K2'), { nil: undefined }),
        at: fc.integer({ min: T0, max: T0 + 20 * DAY }),
        waitS: fc.integer({ min: 0, max: 60 }),
        answer: fc.boolean(),
        transferred: fc.boolean(),
      })
      .map(({ customer, answer, ...rest }) => ({ ...rest, customerId: `c${customer}`, answer }));
    const visits = fc.array(visit, { maxLength: 25 }).map((list) =>
      list.map(({ answer, ...rest }, index) => (answer ? answered(`k${index}`, { ...rest, talkS: 120 }) : abandoned(`k${index}`, rest))),
    );

    fc.assert(
      fc.property(
        visits.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        fc.integer({ min: T0, max: T0 + 40 * DAY }),
        ([list, permuted], asOfMs) => {
          expect(outcomes(permuted, asOfMs)).toEqual(outcomes(list, asOfMs));
        },
      ),
    );
  });
});
