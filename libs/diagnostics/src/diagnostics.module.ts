import { Module } from '@nestjs/common';
import { DiagnosticsController } from './diagnostics.controller';

/**
 * The DiagnosticsService every deployment exposes. Needs AuthModule.forRoot(...) in the
 * application, and the gRPC server to load `protoFile('platform', 'diagnostics_service')`.
 */
@Module({
  controllers: [DiagnosticsController],
})
export class DiagnosticsModule {}
