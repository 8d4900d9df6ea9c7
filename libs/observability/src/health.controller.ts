import { Public } from '@contactcenter/auth';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { checkReadiness, type ReadinessReport } from './health';
import { metricsRegistry } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityModuleOptions } from './observability-options';

/** The part of Express's response these handlers use (no @types/express here). */
interface HttpResponse {
  status(code: number): unknown;
  type(contentType: string): unknown;
}

/**
 * Probe and scrape endpoints for Kubernetes and Prometheus. They answer without a token:
 * kubelets and scrapers do not authenticate, and nothing here is tenant data. `@Public()`
 * keeps them open even where an auth guard is installed globally.
 */
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityModuleOptions) {}

  /** Liveness: answering at all is the signal. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when every dependency check passes, else 503 naming what failed and why. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: HttpResponse): Promise<ReadinessReport & { status: string }> {
    const report = await checkReadiness(this.options.readinessChecks ?? {}, this.options.readinessTimeoutMs);
    response.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not-ready', ...report };
  }

  @Get('metrics')
  async metrics(@Res({ passthrough: true }) response: HttpResponse): Promise<string> {
    const registry = metricsRegistry();
    response.type(registry.contentType);
    return registry.metrics();
  }
}
