import { TenantContext } from '@contactcenter/tenancy';
import { deadLetterTopic, EventHeaders, type ConsumedEvent } from './event-bus.port';
import {
  backoffDelay,
  deadLetterRecord,
  deliverInOrder,
  deliverWithRetries,
  failureReason,
  scopeRuns,
  type RetryPolicy,
} from './event-delivery';

const policy: RetryPolicy = { maxAttempts: 4, backoffMs: 100, maxBackoffMs: 250 };

const event = (n: number, tenantId = 't1', workspaceId = 'ws1'): ConsumedEvent => ({
  id: `e${n}`,
  type: 'test.Event',
  topic: 'topic',
  key: workspaceId,
  time: new Date(0),
  workspaceId,
  tenantId,
  payload: Uint8Array.of(n),
  partition: 2,
  offset: String(n),
});

const control = (sleeps: number[] = [], active = () => true) => ({
  isActive: active,
  sleep: async (ms: number) => void sleeps.push(ms),
  onBatchFailure: () => undefined,
});

describe(backoffDelay.name, () => {
  it('doubles per attempt up to the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt))).toEqual([100, 200, 250, 250]);
  });
});

describe(scopeRuns.name, () => {
  it('cuts where the tenant scope changes or the run is full, keeping the order', () => {
    const events = [event(1), event(2), event(3, 't2'), event(4), event(5), event(6), event(7, 't1', 'ws2')];

    const runs = scopeRuns(events, 2).map((run) => run.map((e) => e.id));

    expect(runs).toEqual([['e1', 'e2'], ['e3'], ['e4', 'e5'], ['e6'], ['e7']]);
  });
});

describe(deliverWithRetries.name, () => {
  it('retries with backoff until the handler succeeds, in the event’s tenant context', async () => {
    const sleeps: number[] = [];
    const scopes: unknown[] = [];
    let calls = 0;
    const sut = () =>
      deliverWithRetries(event(1), 'g', async () => {
        scopes.push(TenantContext.current());
        if (++calls < 3) throw new Error('not yet');
      }, policy, control(sleeps));

    await expect(sut()).resolves.toEqual({ status: 'handled', attempts: 3 });
    expect(sleeps).toEqual([100, 200]);
    expect(scopes).toEqual(Array(3).fill({ workspaceId: 'ws1', tenantId: 't1' }));
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    const outcome = await deliverWithRetries(event(1), 'g', async () => {
      throw new Error(`failure ${++calls}`);
    }, policy, control());

    expect(outcome).toMatchObject({ status: 'failed', attempts: 4, error: new Error('failure 4') });
  });

  it('stops without a verdict once the consumer is no longer active', async () => {
    let active = true;
    const outcome = await deliverWithRetries(event(1), 'g', async () => {
      active = false;
      throw new Error('boom');
    }, policy, control([], () => active));

    expect(outcome).toEqual({ status: 'aborted' });
  });
});

describe(deliverInOrder.name, () => {
  it('replays a failed batch one by one and settles each run or event as it completes', async () => {
    const settled: [string[], string][] = [];
    const events = [event(1), event(2), event(3, 't2')];

    const done = await deliverInOrder(
      events,
      'g',
      {
        handler: async (e) => {
          if (e.id === 'e2') throw new Error('poison');
        },
        batchHandler: async (batch) => {
          if (batch.some((e) => e.id === 'e2')) throw new Error('poison');
        },
      },
      { ...policy, maxAttempts: 2 },
      control(),
      async (batch, outcome) => void settled.push([batch.map((e) => e.id), outcome.status]),
    );

    expect(done).toBe(true);
    expect(settled).toEqual([
      [['e1'], 'handled'],
      [['e2'], 'failed'],
      [['e3'], 'handled'],
    ]);
  });
});

describe(deadLetterRecord.name, () => {
  it('keeps the event and adds where and why it failed', () => {
    const original = { ...event(7), headers: { 'x-extra': 'kept' } };

    const sut = deadLetterRecord(original, 'billing', { attempts: 5, error: new Error('bad payload') });

    expect(sut).toMatchObject({ id: 'e7', topic: deadLetterTopic('topic'), key: 'ws1', tenantId: 't1', payload: original.payload });
    expect(sut.headers).toEqual({
      'x-extra': 'kept',
      [EventHeaders.dlqReason]: 'bad payload',
      [EventHeaders.dlqOriginalTopic]: 'topic',
      [EventHeaders.dlqOriginalPartition]: '2',
      [EventHeaders.dlqOriginalOffset]: '7',
      [EventHeaders.dlqGroupId]: 'billing',
      [EventHeaders.dlqAttempts]: '5',
    });
  });

  it('bounds the reason', () => {
    expect(failureReason('x'.repeat(5_000))).toHaveLength(2_001);
    expect(failureReason({ toString: () => 'odd' })).toBe('odd');
  });
});
