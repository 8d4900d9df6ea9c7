import { DynamicModule, Module } from '@nestjs/common';
import { DiagnosticsController } from './diagnostics.controller';
import { DIAGNOSTICS_OPTIONS, type DiagnosticsOptions } from './diagnostics-options';

/**
 * The DiagnosticsService every deployment exposes. Needs AuthModule.forRoot(...) in the
 * application, and the gRPC server to load `protoFile('platform', 'diagnostics_service')`.
 */
@Module({})
export class DiagnosticsModule {
  static register(options: DiagnosticsOptions = {}): DynamicModule {
    return {
      module: DiagnosticsModule,
      controllers: [DiagnosticsController],
      providers: [{ provide: DIAGNOSTICS_OPTIONS, useValue: options }],
    };
  }
}
