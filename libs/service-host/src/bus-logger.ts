import type { BusLogger } from '@contactcenter/messaging';
import type { Logger } from '@contactcenter/observability';

/** Routes the event bus's warnings and errors into a pino logger. */
export function busLoggerFor(logger: Logger): BusLogger {
  return {
    warn: (message, context) => logger.warn(context ?? {}, message),
    error: (message, context) => logger.error(context ?? {}, message),
  };
}
