import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { runWithTraceparent } from '@contactcenter/observability';
import { TenantContext, type TenantScope } from '@contactcenter/tenancy';
import {
  deadLetterTopic,
  EventHeaders,
  type ConsumedEvent,
  type EventBatchHandler,
  type EventHandler,
  type EventRecord,
} from './event-bus.port';

/** Where adapters report what they cannot throw (a logger lib plugs in here). */
export interface BusLogger {
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const consoleBusLogger: BusLogger = {
  warn: (message, context) => console.warn(message, context ?? ''),
  error: (message, context) => console.error(message, context ?? ''),
};

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, backoffMs: 100, maxBackoffMs: 30_000 };

export function retryPolicyFor(
  options: { maxAttempts?: number; retryBackoffMs?: number },
  defaults: RetryPolicy = defaultRetryPolicy,
): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? defaults.maxAttempts),
    backoffMs: Math.max(0, options.retryBackoffMs ?? defaults.backoffMs),
    maxBackoffMs: defaults.maxBackoffMs,
  };
}

/** Delay before the retry that follows failed attempt number `attempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
}

const scopeOf = (event: EventRecord): TenantScope => ({
  workspaceId: event.workspaceId,
  tenantId: event.tenantId || undefined,
});

const sameScope = (a: EventRecord, b: EventRecord) => a.workspaceId === b.workspaceId && a.tenantId === b.tenantId;

/**
 * Runs a handler the way every adapter must: inside the event's tenant scope and inside a
 * consumer span that continues the producer's trace.
 */
export function runInEventScope<T>(event: ConsumedEvent, groupId: string, fn: () => Promise<T>): Promise<T> {
  return TenantContext.run(scopeOf(event), () =>
    runWithTraceparent(event.traceparent, `process ${event.topic}`, (span) => {
      span.setAttributes({
        'messaging.operation.type': 'process',
        'messaging.destination.name': event.topic,
        'messaging.destination.partition.id': String(event.partition),
        'messaging.consumer.group.name': groupId,
        'messaging.message.id': event.id,
      });
      return fn();
    }),
  );
}

/**
 * Runs a batch handler in the (shared) tenant scope of its events — none when they differ
 * (mixed-scope batches) — in one span linked to each producer's trace: a batch has many
 * parents, which OpenTelemetry models as links.
 */
export function runInBatchScope<T>(events: readonly ConsumedEvent[], groupId: string, fn: () => Promise<T>): Promise<T> {
  const [first] = events;
  const links: Link[] = [];
  for (const { traceparent } of events) {
    const spanContext = traceparent && trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
    if (spanContext) links.push({ context: spanContext });
  }
  const tracer = trace.getTracer('@contactcenter/messaging');
  const shared = events.every((event) => sameScope(first, event));
  const inScope = <R>(work: () => R): R => (shared ? TenantContext.run(scopeOf(first), work) : work());
  return inScope(() =>
    tracer.startActiveSpan(`process ${first.topic}`, { kind: SpanKind.CONSUMER, links }, async (span) => {
      span.setAttributes({
        'messaging.operation.type': 'process',
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.consumer.group.name': groupId,
        'messaging.batch.message_count': events.length,
      });
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    }),
  );
}

/** Cuts events into runs of one tenant scope (any scopes when `mixed`) and at most `maxSize`, keeping their order. */
export function scopeRuns<T extends EventRecord>(events: readonly T[], maxSize: number, mixed = false): T[][] {
  const runs: T[][] = [];
  for (const event of events) {
    const run = runs[runs.length - 1];
    if (run && run.length < maxSize && (mixed || sameScope(run[0], event))) run.push(event);
    else runs.push([event]);
  }
  return runs;
}

export type DeliveryOutcome =
  | { readonly status: 'handled'; readonly attempts: number }
  | { readonly status: 'failed'; readonly attempts: number; readonly error: unknown }
  /** The consumer lost the partition or is closing; the offset must not advance. */
  | { readonly status: 'aborted' };

export interface DeliveryControl {
  isActive(): boolean;
  /** Waits between attempts; may end early when the consumer stops being active. */
  sleep(ms: number): Promise<void>;
}

/** Calls the handler until it succeeds, the attempts run out or the consumer stops. */
export async function deliverWithRetries(
  event: ConsumedEvent,
  groupId: string,
  handler: EventHandler,
  policy: RetryPolicy,
  control: DeliveryControl,
): Promise<DeliveryOutcome> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (!control.isActive()) return { status: 'aborted' };
    try {
      await runInEventScope(event, groupId, () => handler(event));
      return { status: 'handled', attempts: attempt };
    } catch (error) {
      lastError = error;
    }
    if (attempt < policy.maxAttempts) await control.sleep(backoffDelay(policy, attempt));
  }
  return { status: 'failed', attempts: policy.maxAttempts, error: lastError };
}

export interface Handlers {
  readonly handler: EventHandler;
  readonly batchHandler?: EventBatchHandler;
  readonly maxBatchSize?: number;
  readonly mixedScopeBatches?: boolean;
}

export type SettledOutcome = Exclude<DeliveryOutcome, { status: 'aborted' }>;

/**
 * Delivers consecutive events of one partition in order, through the batch handler where
 * there is one (falling back to one by one when a batch fails). `settle` runs as soon as
 * events are handled (a whole batch at once) or one has failed for good, so the adapter can
 * dead-letter it and advance the offset. False when delivery stopped early; the rest must be
 * redelivered.
 */
export async function deliverInOrder(
  events: readonly ConsumedEvent[],
  groupId: string,
  handlers: Handlers,
  policy: RetryPolicy,
  control: DeliveryControl & { onBatchFailure(error: unknown, events: readonly ConsumedEvent[]): void },
  settle: (events: readonly ConsumedEvent[], outcome: SettledOutcome) => Promise<void>,
): Promise<boolean> {
  const { batchHandler } = handlers;
  const runs = batchHandler ? scopeRuns(events, Math.max(1, handlers.maxBatchSize ?? 500), handlers.mixedScopeBatches) : events.map((e) => [e]);
  for (const run of runs) {
    if (!control.isActive()) return false;
    if (batchHandler) {
      try {
        await runInBatchScope(run, groupId, () => batchHandler(run));
        await settle(run, { status: 'handled', attempts: 1 });
        continue;
      } catch (error) {
        control.onBatchFailure(error, run);
      }
    }
    for (const event of run) {
      const outcome = await deliverWithRetries(event, groupId, handlers.handler, policy, control);
      if (outcome.status === 'aborted') return false;
      await settle([event], outcome);
    }
  }
  return true;
}

const maxReasonLength = 2_000;

export function failureReason(error: unknown): string {
  const reason = error instanceof Error ? error.message || error.name : String(error);
  return reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength)}…` : reason;
}

/** The record sent to `<topic>.dlq`: the original event plus why and where it failed. */
export function deadLetterRecord(
  event: ConsumedEvent,
  groupId: string,
  outcome: { attempts: number; error: unknown },
): EventRecord {
  return {
    id: event.id,
    type: event.type,
    topic: deadLetterTopic(event.topic),
    key: event.key,
    time: event.time,
    workspaceId: event.workspaceId,
    tenantId: event.tenantId,
    traceparent: event.traceparent,
    payload: event.payload,
    headers: {
      ...event.headers,
      [EventHeaders.dlqReason]: failureReason(outcome.error),
      [EventHeaders.dlqOriginalTopic]: event.topic,
      [EventHeaders.dlqOriginalPartition]: String(event.partition),
      [EventHeaders.dlqOriginalOffset]: event.offset,
      [EventHeaders.dlqGroupId]: groupId,
      [EventHeaders.dlqAttempts]: String(outcome.attempts),
    },
  };
}

/** Sleeps `ms`, waking every `tickMs` to run `onTick` and to stop early once inactive. */
export async function sleepWhileActive(
  ms: number,
  isActive: () => boolean,
  onTick: () => Promise<void> = async () => undefined,
  tickMs = 50,
): Promise<void> {
  const until = Date.now() + ms;
  while (isActive()) {
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, tickMs)));
    await onTick();
  }
}
