import { QueueConfig } from './queue.config';
import { validateQueueConfig } from './queue-config.validator';
import { aQueue, routingErrorOf } from './routing.test-fixtures';

describe(validateQueueConfig.name, () => {
  const existing = new Map<string, QueueConfig>([
    ['sales', aQueue({ queueId: 'sales' })],
    ['other-tenant', aQueue({ queueId: 'other-tenant', tenantId: 'contoso' })],
    ['backup', aQueue({ queueId: 'backup', overflow: { afterMs: 60_000, queueId: 'front' } })],
  ]);
  const sut = (config: QueueConfig): void => validateQueueConfig(config, (queueId) => existing.get(queueId));
  const problemOf = (config: QueueConfig): string => {
    const error = routingErrorOf(() => sut(config));
    expect(error.code).toBe('INVALID_QUEUE_CONFIG');
    return error.detail;
  };

  it('accepts a complete configuration', () => {
    expect(() =>
      sut(
        aQueue({
          queueId: 'support',
          steps: [{ conditions: [{ skill: 'spanish', minLevel: 3 }], expiresAfterMs: 30_000 }],
          agingIntervalMs: 60_000,
          maxSize: 100,
          overflow: { afterMs: 120_000, queueId: 'sales' },
          businessHours: {
            timeZone: 'Europe/Berlin',
            weekly: [{ day: 1, open: '08:00', close: '18:00' }],
            holidays: [],
            whenClosed: { kind: 'redirect', queueId: 'sales' },
          },
          wrapUp: { kind: 'mandatory-with-timeout', timeoutMs: 30_000 },
          strategy: 'round-robin',
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, Partial<QueueConfig>, string]>([
    ['no channel', { channels: [] }, 'at least one channel is required'],
    ['an unknown channel', { channels: ['fax' as never] }, 'unknown channel "fax"'],
    ['a bad step', { steps: [{ conditions: [{ skill: 's', minLevel: 9 }] }] }, 'level for "s" must be 1 to 5'],
    ['a bad offer timeout', { offerTimeoutMs: 0 }, 'offerTimeoutMs must be a positive whole number'],
    ['a bad service level', { serviceLevel: { percent: 120, thresholdMs: 20_000 } }, 'serviceLevel.percent must be in (0, 100]'],
    ['a bad max size', { maxSize: -1 }, 'maxSize must be a positive whole number'],
    ['a bad strategy', { strategy: 'random' as never }, 'unknown strategy "random"'],
    ['a wrap-up timeout of 0', { wrapUp: { kind: 'mandatory-with-timeout', timeoutMs: 0 } }, 'wrap-up timeoutMs'],
    ['an unknown overflow target', { overflow: { afterMs: 1_000, queueId: 'nowhere' } }, 'overflow target nowhere is unknown'],
    ['an overflow to itself', { overflow: { afterMs: 1_000, queueId: 'front' } }, 'overflow target is the queue itself'],
    ['an overflow to another tenant', { overflow: { afterMs: 1_000, queueId: 'other-tenant' } }, 'belongs to another tenant'],
    ['an overflow cycle', { overflow: { afterMs: 1_000, queueId: 'backup' } }, 'overflow chain leads back to this queue'],
    [
      'a closed redirect to an unknown queue',
      { businessHours: { timeZone: 'UTC', weekly: [], holidays: [], whenClosed: { kind: 'redirect', queueId: 'nowhere' } } },
      'closed redirect target nowhere is unknown',
    ],
    [
      'bad business hours',
      { businessHours: { timeZone: 'Nowhere/City', weekly: [], holidays: [], whenClosed: { kind: 'queue' } } },
      'unknown time zone',
    ],
  ])('refuses %s', (_, overrides, problem) => {
    expect(problemOf(aQueue({ queueId: 'front', ...overrides }))).toContain(problem);
  });

  it('refuses moving an existing queue to another tenant', () => {
    expect(problemOf(aQueue({ queueId: 'sales', tenantId: 'contoso' }))).toContain('cannot move to another tenant');
  });
});
