import { AuthModule, type AuthModuleOptions } from '@contactcenter/auth';
import { ObservabilityModule, type ReadinessCheck } from '@contactcenter/observability';
import { Module, type DynamicModule, type Type } from '@nestjs/common';

export const SERVICE_NAME = 'all-in-one';

export interface AllInOneModuleOptions {
  readonly readinessChecks: Readonly<Record<string, ReadinessCheck>>;
  /** Token verification against the built-in development identity provider. */
  readonly auth: AuthModuleOptions;
  readonly serviceModules: readonly (Type | DynamicModule)[];
}

/** The root module of the all-in-one process: observability, auth and every service module. */
@Module({})
export class AllInOneModule {
  static forRoot(options: AllInOneModuleOptions): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: SERVICE_NAME, readinessChecks: options.readinessChecks }),
        AuthModule.forRoot(options.auth),
        ...options.serviceModules,
      ],
    };
  }
}
