import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from '@opentelemetry/semantic-conventions';
import { Observable } from 'rxjs';
import { extractTraceContext } from './grpc-trace-metadata';

const tracer = () => trace.getTracer('@contactcenter/observability');

/**
 * Runs every gRPC handler in a SERVER span that continues the caller's trace (W3C
 * `traceparent` from the call metadata) and is the active context while the handler runs,
 * so anything it does — logs, outbound calls, outbox rows stamped with
 * `currentTraceparent()` — belongs to that span. Other transports pass straight through.
 */
@Injectable()
export class GrpcTracingInterceptor implements NestInterceptor {
  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (executionContext.getType() !== 'rpc') return next.handle();
    const args = executionContext.getArgs<unknown[]>();
    const metadata = findMetadata(args);
    // Nest's other RPC transports (Kafka, TCP, ...) carry no gRPC metadata.
    if (!metadata) return next.handle();

    const method = rpcMethod(args, executionContext);
    const parent = extractTraceContext(metadata);
    return new Observable((subscriber) => {
      const span = tracer().startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC, [ATTR_RPC_METHOD]: method } },
        parent,
      );
      let ended = false;
      const end = (code: GrpcStatus, error?: unknown) => {
        if (ended) return;
        ended = true;
        span.setAttribute(ATTR_RPC_STATUS_CODE, GrpcStatus[code]);
        if (error !== undefined) recordError(span, error);
        span.end();
      };
      // Both calling handle() and subscribing happen inside the span's context: Nest binds
      // the handler to the async context of handle(), and subscription runs what it returns.
      const subscription = context.with(trace.setSpan(parent, span), () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            end(grpcCodeOf(error), error);
            subscriber.error(error);
          },
          complete: () => {
            end(GrpcStatus.OK);
            subscriber.complete();
          },
        }),
      );
      return () => {
        // Unsubscribed before completing: the client went away.
        end(GrpcStatus.CANCELLED);
        subscription.unsubscribe();
      };
    });
  }
}

function findMetadata(args: unknown[]): Metadata | undefined {
  for (const arg of args) {
    if (isMetadata(arg)) return arg;
    // A pass-through stream handler (@GrpcStreamCall) gets the call itself.
    const carried = (arg as { metadata?: unknown } | null)?.metadata;
    if (isMetadata(carried)) return carried;
  }
  return undefined;
}

function isMetadata(value: unknown): value is Metadata {
  const candidate = value as Partial<Metadata> | null;
  return typeof candidate?.getMap === 'function' && typeof candidate.get === 'function';
}

/** `package.Service/Method`, as the gRPC semantic conventions name server spans. */
function rpcMethod(args: unknown[], executionContext: ExecutionContext): string {
  for (const arg of args) {
    const getPath = (arg as { getPath?: unknown } | null)?.getPath;
    if (typeof getPath === 'function') return String(getPath.call(arg)).replace(/^\//, '');
  }
  return `${executionContext.getClass().name}/${executionContext.getHandler().name}`;
}

function grpcCodeOf(error: unknown): GrpcStatus {
  const detail = error instanceof RpcException ? error.getError() : error;
  const code = (detail as { code?: unknown } | null)?.code;
  return typeof code === 'number' && GrpcStatus[code] !== undefined ? code : GrpcStatus.UNKNOWN;
}

function recordError(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}
