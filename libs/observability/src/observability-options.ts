import type { ReadinessCheck } from './health';

export interface ObservabilityModuleOptions {
  /** Reported as the `service` label on every metric. */
  readonly serviceName: string;
  /** Named dependency checks behind `/readyz` (database, broker, identity provider, ...). */
  readonly readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** How long one check may take before it counts as failed (default 2 s). */
  readonly readinessTimeoutMs?: number;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
