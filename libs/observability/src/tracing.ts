import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * Where spans go: `'otlp'` batches them to the collector named by the standard
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `'none'` keeps
 * tracing on (ids in logs, traceparent propagation) without exporting; an exporter instance
 * (tests pass an `InMemorySpanExporter`) receives every span synchronously as it ends.
 */
export type TraceExporterChoice = 'otlp' | 'none' | SpanExporter;

export interface TracingOptions {
  readonly serviceName: string;
  /** Defaults to `OTEL_TRACES_EXPORTER`, else `'otlp'` when an OTLP endpoint is set, else `'none'`. */
  readonly exporter?: TraceExporterChoice;
}

export interface Tracing {
  /** Flushes pending spans and unregisters the global provider, context manager and propagator. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/**
 * Installs the OpenTelemetry SDK for this process: a NodeTracerProvider, the
 * AsyncLocalStorage context manager and the W3C trace-context propagator, all registered
 * globally so every library that uses `@opentelemetry/api` reports into it.
 *
 * Call it once per process, from the host's `main.ts` (libraries use only the API). The
 * OpenTelemetry globals can hold one provider, so a second call before `shutdown()` throws
 * instead of silently keeping the first one.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (started) {
    throw new Error('startTracing() was already called in this process; shut the first one down before starting again');
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: spanProcessorsFor(options.exporter ?? exporterFromEnv(process.env)),
  });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });

  const tracing: Tracing = {
    async shutdown() {
      if (started !== tracing) return;
      started = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  started = tracing;
  return tracing;
}

/** The exporter the standard OpenTelemetry environment variables ask for. */
export function exporterFromEnv(env: NodeJS.ProcessEnv): 'otlp' | 'none' {
  const requested = env.OTEL_TRACES_EXPORTER?.trim();
  if (requested) {
    if (requested === 'otlp' || requested === 'none') return requested;
    throw new Error(`OTEL_TRACES_EXPORTER=${requested} is not supported; use "otlp" or "none"`);
  }
  // Without a collector to talk to, exporting would only log connection errors.
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none';
}

function spanProcessorsFor(exporter: TraceExporterChoice): SpanProcessor[] {
  if (exporter === 'none') return [];
  // The OTLP exporter reads its endpoint, headers and timeout from the standard env vars.
  if (exporter === 'otlp') return [new BatchSpanProcessor(new OTLPTraceExporter())];
  return [new SimpleSpanProcessor(exporter)];
}
