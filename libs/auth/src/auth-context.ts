import type { ExecutionContext } from '@nestjs/common';
import type { AuthContext } from './principal';

// Keyed by the per-call object (gRPC call or HTTP request) so nothing leaks between calls and
// nothing needs cleaning up.
const contexts = new WeakMap<object, AuthContext>();

interface MetadataLike {
  get(key: string): unknown[];
}

function isMetadata(value: unknown): value is MetadataLike {
  if (typeof value !== 'object' || value === null) return false;
  return typeof (value as MetadataLike).get === 'function' && 'getMap' in value;
}

/**
 * The per-call object and gRPC metadata of an RPC. Nest passes (data, metadata, call) to
 * unary and RX-streaming handlers, and only (call) to pass-through streaming handlers.
 */
export function grpcCallOf(context: ExecutionContext): { carrier: object; metadata: MetadataLike } {
  const [first, second, third] = context.getArgs<unknown[]>();
  if (isMetadata(second)) return { carrier: (third as object | undefined) ?? second, metadata: second };
  const call = first as { metadata?: unknown } | undefined;
  if (call && isMetadata(call.metadata)) return { carrier: call, metadata: call.metadata };
  throw new Error('not a gRPC call: no metadata among the handler arguments');
}

/** The object an AuthContext is attached to for this execution (gRPC call or HTTP request). */
export function authCarrierOf(context: ExecutionContext): object {
  return context.getType() === 'rpc' ? grpcCallOf(context).carrier : context.switchToHttp().getRequest<object>();
}

export function attachAuthContext(context: ExecutionContext, auth: AuthContext): void {
  contexts.set(authCarrierOf(context), auth);
}

/** The AuthContext the guard attached, or undefined for public handlers. */
export function authContextOf(context: ExecutionContext): AuthContext | undefined {
  return contexts.get(authCarrierOf(context));
}
