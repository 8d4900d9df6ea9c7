export * from './diagnostics.controller';
export * from './diagnostics.module';
export * from './diagnostics-options';
