import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const STACK_LINE = /\n\s+at /;

/**
 * Nest's `LoggerService` on top of a pino logger, so framework lines (module init, routes,
 * gRPC server start, unhandled errors) come out as the same JSON, with the same tenant and
 * trace fields, as the application's own. Nest passes the source as the last string
 * argument (`context`) and, for errors, a stack before it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const params = [...optionalParams];
    // A lone stack-looking string is the stack, not the context (Nest's own convention).
    const last = params.at(-1);
    const context = typeof last === 'string' && !STACK_LINE.test(last) ? (params.pop() as string) : undefined;
    const stack = params.find((param): param is string => typeof param === 'string' && STACK_LINE.test(param));

    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'string') {
      this.logger[level](fields, message);
    } else {
      this.logger[level]({ ...fields, detail: message });
    }
  }
}
