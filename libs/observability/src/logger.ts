import { TenantContext } from '@contactcenter/tenancy';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Defaults to env `LOG_LEVEL`, else `info`. */
  readonly level?: string;
  /** Defaults to stdout; tests pass a stream to read what was written. */
  readonly destination?: DestinationStream;
}

/**
 * A JSON logger whose every line carries the tenant scope (`workspaceId`, `tenantId`) and
 * trace (`traceId`, `spanId`) active where the line was written, so a log search can follow
 * one tenant or one trace across services.
 */
export function createLogger(name: string, options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL?.trim() ?? 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new Error(`Log level "${level}" is not one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}`);
  }
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names rather than numbers: readable in any log viewer without a mapping.
      formatters: { level: (label) => ({ level: label }) },
      mixin: contextFields,
    },
    options.destination,
  );
}

function contextFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const scope = TenantContext.current();
  if (scope) {
    fields.workspaceId = scope.workspaceId;
    if (scope.tenantId) fields.tenantId = scope.tenantId;
  }
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}
