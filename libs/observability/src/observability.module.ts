import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GrpcTracingInterceptor } from './grpc-tracing.interceptor';
import { HealthController } from './health.controller';
import { setServiceLabel } from './metrics';
import { OBSERVABILITY_OPTIONS, type ObservabilityModuleOptions } from './observability-options';

/**
 * Everything a service host needs to be observed: `GET /healthz`, `/readyz` and `/metrics`
 * on its HTTP listener, and a tracing span around every gRPC handler (registered as a global
 * interceptor; a hybrid app's gRPC microservice gets it with `inheritAppConfig: true`).
 * The tracing SDK itself is started by the host with `startTracing()`, before Nest boots.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController],
      providers: [
        {
          provide: OBSERVABILITY_OPTIONS,
          useFactory: () => {
            setServiceLabel(options.serviceName);
            return options;
          },
        },
        { provide: APP_INTERCEPTOR, useClass: GrpcTracingInterceptor },
      ],
      exports: [OBSERVABILITY_OPTIONS],
    };
  }
}
