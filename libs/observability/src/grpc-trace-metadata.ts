import { Metadata } from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key).map(String);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/**
 * Writes the W3C `traceparent` (and `tracestate`) of `ctx` — the active context by default —
 * into outgoing gRPC metadata, so the server's span continues the caller's trace.
 */
export function injectTraceparent(metadata: Metadata, ctx: Context = context.active()): Metadata {
  propagation.inject(ctx, metadata, metadataSetter);
  return metadata;
}

/** Fresh metadata carrying the active trace context, for a gRPC client call. */
export function traceMetadata(): Metadata {
  return injectTraceparent(new Metadata());
}

/**
 * The remote parent named by incoming metadata. A server call without one starts a new trace
 * (from the root, not from whatever context happens to be active in the process).
 */
export function extractTraceContext(metadata: Metadata | undefined): Context {
  return metadata ? propagation.extract(ROOT_CONTEXT, metadata, metadataGetter) : ROOT_CONTEXT;
}
