import type { Timestamp } from './gen/google/protobuf/timestamp.generated';

export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function fromTimestamp(ts: Timestamp | undefined): Date | undefined {
  return ts ? new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000)) : undefined;
}
