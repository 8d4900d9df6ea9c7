import { TenantContext } from '@contactcenter/tenancy';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import { startTracing, type Tracing } from './tracing';

/** Collects what pino writes, one parsed JSON object per line. */
function captureLines() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) } };
}

describe(createLogger.name, () => {
  let tracing: Tracing;

  beforeAll(() => {
    tracing = startTracing({ serviceName: 'logger-spec', exporter: new InMemorySpanExporter() });
  });

  afterAll(() => tracing.shutdown());

  it('adds the tenant scope and the active trace to every line', () => {
    const { lines, destination } = captureLines();
    const sut = createLogger('spec', { level: 'info', destination });

    const span = TenantContext.run({ workspaceId: 'globalbpo', tenantId: 'northwind' }, () =>
      trace.getTracer('spec').startActiveSpan('work', (active) => {
        sut.info({ orderId: 7 }, 'did the work');
        active.end();
        return active.spanContext();
      }),
    );

    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 'info',
      name: 'spec',
      msg: 'did the work',
      orderId: 7,
      workspaceId: 'globalbpo',
      tenantId: 'northwind',
    });
    expect(line.traceId).toBe(span.traceId);
    expect(line.spanId).toBe(span.spanId);
    expect(typeof line.time).toBe('string');
  });

  it('leaves the context fields out where no tenant or span is active', () => {
    const { lines, destination } = captureLines();
    const sut = createLogger('spec', { level: 'info', destination });

    sut.info('outside any request');

    expect(lines[0]).not.toHaveProperty('tenantId');
    expect(lines[0]).not.toHaveProperty('workspaceId');
    expect(lines[0]).not.toHaveProperty('traceId');
  });

  it('takes its level from LOG_LEVEL and rejects an unknown one', () => {
    const previous = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'warn';
      expect(createLogger('spec', { destination: captureLines().destination }).level).toBe('warn');
      process.env.LOG_LEVEL = 'loud';
      expect(() => createLogger('spec')).toThrow(/"loud" is not one of/);
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});
