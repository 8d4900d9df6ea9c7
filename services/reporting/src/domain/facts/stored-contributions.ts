import { AGGREGATE_COUNTERS, type AggregateCounter, zeroCounters } from './aggregate-counters';
import type { Contribution } from './interval-contributions';

/** A contribution as stored beside its interaction: the key as a tuple, only non-zero counters. */
export interface StoredContribution {
  readonly k: readonly [number, string, string, string];
  readonly c: Partial<Record<AggregateCounter, number>>;
}

export function storeContributions(contributions: readonly Contribution[]): StoredContribution[] {
  return contributions.map(({ key, counters }) => {
    const c: Partial<Record<AggregateCounter, number>> = {};
    for (const name of AGGREGATE_COUNTERS) if (counters[name] !== 0) c[name] = counters[name];
    return { k: [key.intervalStart, key.queueId, key.channel, key.agentId], c };
  });
}

export function restoreContributions(stored: readonly StoredContribution[]): Contribution[] {
  return stored.map(({ k: [intervalStart, queueId, channel, agentId], c }) => ({
    key: { intervalStart, queueId, channel: channel as Contribution['key']['channel'], agentId },
    counters: { ...zeroCounters(), ...c },
  }));
}
