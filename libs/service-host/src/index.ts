export * from './bus-logger';
export * from './run-service';
