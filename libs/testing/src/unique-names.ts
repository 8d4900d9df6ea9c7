import { randomBytes } from 'node:crypto';

export const TEST_RUN_ID_ENV = 'CC_TEST_RUN_ID';

let processRunId: string | undefined;

/** Id of the current test run: set once by the global setup, else one per process. */
export function testRunId(): string {
  const fromEnv = process.env[TEST_RUN_ID_ENV];
  if (fromEnv) return fromEnv;
  processRunId ??= Date.now().toString(36);
  return processRunId;
}

function suffix(): string {
  return `${testRunId()}-${randomBytes(4).toString('hex')}`;
}

/**
 * A topic name no other suite or run uses on the shared broker. Only `.` and `-` are used as
 * separators: Kafka treats `.` and `_` as colliding in metric names.
 */
export function uniqueTopic(base: string): string {
  return `${base.replace(/[^a-zA-Z0-9.-]/g, '-')}.${suffix()}`;
}

/** A consumer group id no other suite or run uses on the shared broker. */
export function uniqueGroup(base: string): string {
  return `${base}.${suffix()}`;
}
