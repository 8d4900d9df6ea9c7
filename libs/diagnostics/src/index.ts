export * from './diagnostics.controller';
export * from './diagnostics.module';
