import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  Registry,
  type CounterConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

let registry: Registry | undefined;

/**
 * The process's Prometheus registry, with Node's default metrics (CPU, memory, event-loop
 * lag, GC, handles) collected into it. One per process: `/metrics` serves exactly this.
 */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/**
 * Labels every series in the process with `service="<name>"` (applied when scraped, so it
 * covers metrics created before and after). The all-in-one host runs several service modules
 * in one process and reports them under its own name.
 */
export function setServiceLabel(serviceName: string): void {
  metricsRegistry().setDefaultLabels({ service: serviceName });
}

export type CounterOptions<L extends string> = Omit<CounterConfiguration<L>, 'registers'>;
export type HistogramOptions<L extends string> = Omit<HistogramConfiguration<L>, 'registers'>;

/**
 * A counter in the process registry, carrying the `service` label. Asking twice for the same
 * name returns the first one, so a module instantiated again (tests, hot reload) doesn't
 * fail on a duplicate registration.
 */
export function createCounter<L extends string = string>(options: CounterOptions<L>): Counter<L> {
  return existing(options.name, Counter) ?? new Counter({ ...options, registers: [metricsRegistry()] });
}

/** A histogram in the process registry, carrying the `service` label; see `createCounter`. */
export function createHistogram<L extends string = string>(options: HistogramOptions<L>): Histogram<L> {
  return existing(options.name, Histogram) ?? new Histogram({ ...options, registers: [metricsRegistry()] });
}

function existing<M extends Metric>(name: string, kind: abstract new (...args: never[]) => M): M | undefined {
  const metric = metricsRegistry().getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof kind)) throw new Error(`Metric "${name}" is already registered as a ${metric.constructor.name}`);
  return metric;
}
